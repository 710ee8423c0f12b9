package probe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// LoopFormat is the format a loop agent's /debug/loop answers in
// (agents/README.md); the embedded target serves it too.
const LoopFormat = "blockprobe-loop/1"

// LoopDoc is one answer of a loop agent.
type LoopDoc struct {
	Format              string       `json:"format"`
	Source              string       `json:"source"`
	Runtime             string       `json:"runtime"`
	Pid                 int          `json:"pid"`
	NowMs               float64      `json:"now_ms"`
	ThresholdMs         float64      `json:"threshold_ms"`
	SlowestCallbackMs   float64      `json:"slowest_callback_ms"`
	SlowestHandler      string       `json:"slowest_handler"`
	SlowestStillRunning bool         `json:"slowest_still_running"`
	LagMaxMs            float64      `json:"lag_max_ms"`
	LagHistogram        LagHistogram `json:"lag_histogram"`
	StallsTotal         int          `json:"stalls_total"`
	Stalls              []Stall      `json:"stalls"`
}

// LagHistogram counts heartbeats by lag since the agent started: Counts[i]
// those up to BoundsMs[i] (and above the bound before), one more count past
// the last bound. The difference of two reads is the window between them.
type LagHistogram struct {
	BoundsMs []float64 `json:"bounds_ms"`
	Counts   []uint64  `json:"counts"`
}

// Stall is a time the loop ran late by more than the agent's threshold.
// StartMs is the agent's wall clock (ms since the Unix epoch) in a LoopDoc,
// and an offset from the start of the run in a LoopWatch.
type Stall struct {
	StartMs    float64 `json:"start_ms"`
	DurationMs float64 `json:"duration_ms"`
	Ongoing    bool    `json:"ongoing"`
	Handler    string  `json:"handler"`
	Request    string  `json:"request"`
	Frames     []Frame `json:"frames,omitempty"`
}

// Frame is a place in the server's own code that held the loop.
type Frame struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Function string `json:"function"`
	Code     string `json:"code"`
}

// Bounds on what an agent may make blockprobe read and keep.
const (
	maxLoopDoc    = 4 << 20
	maxStallsKept = 1024
	maxLagBuckets = 1024
)

// readLoopDoc asks url for its document with client, and returns it with
// the local times the request left and the answer came back.
func readLoopDoc(ctx context.Context, client *http.Client, url string) (LoopDoc, time.Time, time.Time, error) {
	var doc LoopDoc
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return doc, time.Time{}, time.Time{}, err
	}
	sent := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return doc, sent, time.Now(), err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxLoopDoc+1))
	back := time.Now()
	switch {
	case err != nil:
		return doc, sent, back, err
	case resp.StatusCode != http.StatusOK:
		return doc, sent, back, fmt.Errorf("answered %s", resp.Status)
	case len(body) > maxLoopDoc:
		return doc, sent, back, fmt.Errorf("answered more than %d bytes", maxLoopDoc)
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return doc, sent, back, fmt.Errorf("not a loop document: %w", err)
	}
	if doc.Format != LoopFormat {
		return doc, sent, back, fmt.Errorf("format %q, want %q", doc.Format, LoopFormat)
	}
	if len(doc.LagHistogram.Counts) > maxLagBuckets || len(doc.LagHistogram.Counts) != len(doc.LagHistogram.BoundsMs)+1 {
		doc.LagHistogram = LagHistogram{} // unusable: the lag figures are left out, the stalls stay
	}
	return doc, sent, back, nil
}

// ErrNoAgent means nothing answered with a loop document.
var ErrNoAgent = errors.New("no loop agent answered")

// FindLoopAgent asks url once, briefly, whether a loop agent (or the
// embedded target) answers there, and returns nil when one does.
func FindLoopAgent(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	client := &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	if _, _, _, err := readLoopDoc(ctx, client, url); err != nil {
		return fmt.Errorf("%w at %s: %v", ErrNoAgent, RedactURLs(url), err)
	}
	return nil
}
