package probe

import (
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
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

// Bounds on what an agent may make blockprobe read and keep. The agents
// send at most 5 frames a stall and 200 characters a string.
const (
	maxLoopDoc    = 4 << 20
	maxStallsKept = 1024
	maxLagBuckets = 1024
	maxFrames     = 16   // a stall's innermost
	maxLoopText   = 1024 // bytes of a name, a path, a line of code
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
	case resp.StatusCode >= 300 && resp.StatusCode < 400 && resp.Header.Get("Location") != "":
		return doc, sent, back, fmt.Errorf("answered %s, a redirect to %s, not followed: give the agent's own URL",
			resp.Status, clip(RedactURLs(resp.Header.Get("Location")), maxDetail))
	case resp.StatusCode != http.StatusOK:
		return doc, sent, back, fmt.Errorf("answered %s", resp.Status)
	case len(body) > maxLoopDoc:
		return doc, sent, back, fmt.Errorf("answered more than %d bytes", maxLoopDoc)
	}
	var wire loopDocWire
	if err := json.Unmarshal(body, &wire); err != nil {
		return doc, sent, back, fmt.Errorf("not a loop document: %w", err)
	}
	doc = wire.LoopDoc
	doc.Stalls = wire.Stalls
	if doc.Format != LoopFormat {
		return doc, sent, back, fmt.Errorf("format %q, want %q", doc.Format, LoopFormat)
	}
	if err := checkLoopDoc(&doc); err != nil {
		return doc, sent, back, fmt.Errorf("not a loop document: %w", err)
	}
	if !usableLag(doc.LagHistogram) {
		doc.LagHistogram = LagHistogram{} // unusable: the lag figures are left out, the stalls stay
	}
	return doc, sent, back, nil
}

// maxLoopMs is the longest time a loop document may hold, the longest
// time.Duration: a report holds no longer time, and could not be read back.
const maxLoopMs = float64(math.MaxInt64) / float64(time.Millisecond)

// maxStallsTotal bounds an agent's count of stalls, far above what any
// loop could have had, so that counts derived from it cannot overflow.
const maxStallsTotal = 1 << 50

// checkLoopDoc refuses a document holding what no loop measures: a clock
// before the epoch or past any time, a stall of negative length, a count
// or line below zero. Such values would make the report unwritable (JSON
// has no infinity) or unreadable by report and merge.
func checkLoopDoc(doc *LoopDoc) error {
	switch {
	case doc.Pid < 0:
		return fmt.Errorf("pid is %d", doc.Pid)
	case doc.StallsTotal < 0 || doc.StallsTotal > maxStallsTotal:
		return fmt.Errorf("stalls_total is %d", doc.StallsTotal)
	}
	err := cmp.Or(loopTime("now_ms", doc.NowMs), loopTime("threshold_ms", doc.ThresholdMs))
	for i, s := range doc.Stalls {
		if err != nil {
			break
		}
		err = cmp.Or(loopTime(fmt.Sprintf("stalls[%d].start_ms", i), s.StartMs),
			loopTime(fmt.Sprintf("stalls[%d].duration_ms", i), s.DurationMs))
		for j, f := range s.Frames {
			if f.Line < 0 && err == nil {
				err = fmt.Errorf("stalls[%d].frames[%d].line is %d", i, j, f.Line)
			}
		}
	}
	return err
}

// loopTime refuses a time, named name, that no loop measures.
func loopTime(name string, ms float64) error {
	if ms >= 0 && ms <= maxLoopMs {
		return nil
	}
	return fmt.Errorf("%s is %g, not a time a loop measures", name, ms)
}

// usableLag says whether h can be read: a count past each bound and one
// more, bounds that rise within the times a loop measures, and counts
// whose sum does not overflow.
func usableLag(h LagHistogram) bool {
	if len(h.Counts) > maxLagBuckets || len(h.Counts) != len(h.BoundsMs)+1 {
		return false
	}
	for i, b := range h.BoundsMs {
		if !(b >= 0 && b <= maxLoopMs) || i > 0 && b <= h.BoundsMs[i-1] {
			return false
		}
	}
	var sum uint64
	for _, c := range h.Counts {
		if sum+c < sum {
			return false
		}
		sum += c
	}
	return true
}

// noRedirect keeps an agent's client at the URL it was given: an agent
// never redirects, and one that does would send blockprobe's polls to
// another host, one the user did not name.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// ErrNoAgent means nothing answered with a loop document.
var ErrNoAgent = errors.New("no loop agent answered")

// FindLoopAgent asks url once, briefly, whether a loop agent (or the
// embedded target) answers there, and returns nil when one does.
func FindLoopAgent(ctx context.Context, url string, insecure bool) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if _, _, _, err := readLoopDoc(ctx, agentClient(insecure, false), url); err != nil {
		return fmt.Errorf("%w at %s: %v", ErrNoAgent, RedactURLs(url), err)
	}
	return nil
}

// agentClient is the client that reads a loop agent: at the URL it was
// given and no other (no proxy, no redirect), one connection kept alive for
// polls, and an https agent's certificate checked unless insecure, as the
// target's is.
func agentClient(insecure, keepAlive bool) *http.Client {
	tr := &http.Transport{Proxy: nil, DisableKeepAlives: !keepAlive, MaxIdleConnsPerHost: 1,
		TLSClientConfig: &tls.Config{InsecureSkipVerify: insecure}} //nolint:gosec // the user asked, for self-signed test servers
	return &http.Client{Timeout: loopReadTimeout, Transport: tr, CheckRedirect: noRedirect}
}

// loopDocWire is a LoopDoc as it is read: its stalls and their frames are
// bounded while they are decoded, so that what an answer costs blockprobe
// does not depend on how many it lists (4 MiB of "{}" is a million).
type loopDocWire struct {
	LoopDoc
	Stalls stallsWire `json:"stalls"`
}

// stallsWire keeps the last maxStallsKept stalls, the newest.
type stallsWire []Stall

func (s *stallsWire) UnmarshalJSON(b []byte) error {
	all, err := decodeArray[stallWire](b, maxStallsKept, true)
	*s = make(stallsWire, len(all))
	for i, w := range all {
		st := w.Stall
		st.Handler, st.Request = clip(st.Handler, maxLoopText), clip(st.Request, maxLoopText)
		st.Frames = w.Frames
		for j := range st.Frames {
			f := &st.Frames[j]
			f.File, f.Function, f.Code = clip(f.File, maxLoopText), clip(f.Function, maxLoopText), clip(f.Code, maxLoopText)
		}
		(*s)[i] = st
	}
	return err
}

type stallWire struct {
	Stall
	Frames framesWire `json:"frames"`
}

// framesWire keeps the first maxFrames frames, the innermost.
type framesWire []Frame

func (f *framesWire) UnmarshalJSON(b []byte) (err error) {
	*f, err = decodeArray[Frame](b, maxFrames, false)
	return err
}

// decodeArray decodes the JSON array b (or null), keeping keep elements:
// the last ones if last, else the first.
func decodeArray[T any](b []byte, keep int, last bool) ([]T, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok == nil {
		return nil, err
	} else if tok != json.Delim('[') {
		return nil, fmt.Errorf("%v where a list belongs", tok)
	}
	var ring []T
	n := 0
	for ; dec.More(); n++ {
		if n == keep && !last {
			break
		}
		var v T
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		if len(ring) < keep {
			ring = append(ring, v)
		} else {
			ring[n%keep] = v
		}
	}
	if len(ring) == keep && last {
		i := n % keep // the oldest kept
		ring = append(ring[i:], ring[:i]...)
	}
	return ring, nil
}
