package probe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/blockprobe/blockprobe/internal/loopdoc"
)

// LoopFormat is the format a loop agent's /debug/loop answers in
// (agents/README.md); the embedded target serves it too.
const LoopFormat = loopdoc.Format

// LoopDoc is one answer of a loop agent: what every source gives, and the
// loop's slowest callback and lag.
type LoopDoc struct {
	loopdoc.Doc
	SlowestCallbackMs   float64 `json:"slowest_callback_ms"`
	SlowestHandler      string  `json:"slowest_handler"`
	SlowestStillRunning bool    `json:"slowest_still_running"`
	LagMaxMs            float64 `json:"lag_max_ms"`
}

// The parts of a loop document, as the format names them.
type (
	LagHistogram = loopdoc.LagHistogram
	Stall        = loopdoc.Stall
	Frame        = loopdoc.Frame
)

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
