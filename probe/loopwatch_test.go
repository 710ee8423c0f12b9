package probe

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/blockprobe/blockprobe/internal/loopdoc"
	"github.com/blockprobe/blockprobe/target"
)

// fakeAgent serves loop documents whose clock runs skew ahead of ours and
// whose one stall starts stallAt after the agent's start and lasts stallFor.
// dead makes it answer 503, as a server that died behind its agent would.
type fakeAgent struct {
	started           time.Time
	skew              time.Duration
	stallAt, stallFor time.Duration
	dead              atomic.Bool
	polls             atomic.Int64
}

func (a *fakeAgent) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	a.polls.Add(1)
	if a.dead.Load() {
		http.Error(w, "gone", http.StatusServiceUnavailable)
		return
	}
	now := time.Now()
	ms := func(t time.Time) float64 { return epochMs(t.Add(a.skew)) }
	doc := LoopDoc{Doc: loopdoc.Doc{Format: LoopFormat, Source: "agent-test", NowMs: ms(now), ThresholdMs: 20,
		LagHistogram: LagHistogram{BoundsMs: []float64{1, 10, 100, 1000}, Counts: []uint64{0, 0, 0, 0, 0}}}}
	beats := uint64(now.Sub(a.started) / (10 * time.Millisecond))
	doc.LagHistogram.Counts[0] = beats // every heartbeat on time ...
	if at := a.started.Add(a.stallAt); now.After(at) {
		d := min(now.Sub(at), a.stallFor)
		doc.LagHistogram.Counts[3] = 1 // ... but the one the stall made late
		doc.Stalls = []Stall{{StartMs: ms(at), DurationMs: float64(d) / 1e6, Ongoing: d < a.stallFor,
			Handler: "ComplexHandler.get", Request: "GET /complex",
			Frames: []Frame{{File: "server.py", Line: 57, Function: "get", Code: "time.sleep(self.delay)"}}}}
		doc.StallsTotal = 1
	}
	_ = json.NewEncoder(w).Encode(doc)
}

func TestLoopWatchPlacesStallsOnTheRunsClock(t *testing.T) {
	base := startTarget(t, target.Config{Mode: target.Async, ComplexDelay: 100 * time.Millisecond})
	agent := &fakeAgent{started: time.Now(), skew: 37 * time.Second, stallAt: 250 * time.Millisecond, stallFor: 150 * time.Millisecond}
	srv := httptest.NewServer(agent)
	defer srv.Close()
	o := options(base, 600*time.Millisecond)
	o.LoopStatsURL, o.LoopPoll = srv.URL+"/debug/loop", 100*time.Millisecond
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	w := res.Loop
	if w == nil || w.Polls < 4 || w.Lost != "" {
		t.Fatalf("loop watch %+v: want several polls, none lost", w)
	}
	if off := w.OffsetMs - 37_000; off < -w.UncertaintyMs-5 || off > w.UncertaintyMs+5 {
		t.Errorf("clock offset %.1fms ± %.1f, want 37s", w.OffsetMs, w.UncertaintyMs)
	}
	s, ok := w.Slowest()
	if !ok || len(w.Stalls) != 1 || s.Ongoing || s.Handler != "ComplexHandler.get" || len(s.Frames) != 1 {
		t.Fatalf("stalls %+v: want the one finished stall with its handler and frame", w.Stalls)
	}
	// The agent started before the run: its stall, 250ms after that, lies
	// a little less than 250ms into the run.
	if s.StartMs < 150 || s.StartMs > 260 || s.DurationMs < 149 || s.DurationMs > 151 {
		t.Errorf("stall at %.1fms for %.1fms of the run, want ~250ms minus the set-up, for 150ms", s.StartMs, s.DurationMs)
	}
	if w.LagMaxMs < 150 || w.LagP50Ms != 1 || w.Heartbeats == 0 || w.BusyFraction <= 0 {
		t.Errorf("lag p50 %v max %v over %d beats, busy %v", w.LagP50Ms, w.LagMaxMs, w.Heartbeats, w.BusyFraction)
	}
}

func TestLoopWatchSurvivesAnAgentThatDies(t *testing.T) {
	base := startTarget(t, target.Config{Mode: target.Async, ComplexDelay: 50 * time.Millisecond})
	agent := &fakeAgent{started: time.Now(), stallAt: time.Hour}
	srv := httptest.NewServer(agent)
	defer srv.Close()
	o := options(base, 400*time.Millisecond)
	o.LoopStatsURL, o.LoopPoll = srv.URL+"/debug/loop", 50*time.Millisecond
	time.AfterFunc(200*time.Millisecond, func() { agent.dead.Store(true) })
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatalf("an agent that died failed the run: %v", err)
	}
	if res.Loop == nil || res.Loop.Failures == 0 || !strings.Contains(res.Loop.Lost, "stopped answering") {
		t.Errorf("loop watch %+v: want the loss noted", res.Loop)
	}
	if !res.Verdict.Conclusive {
		t.Errorf("verdict %+v: the run itself was fine", res.Verdict)
	}
}

func TestLagBetween(t *testing.T) {
	bounds := []float64{1, 10, 100}
	first := LagHistogram{BoundsMs: bounds, Counts: []uint64{50, 0, 0, 0}}
	last := LagHistogram{BoundsMs: bounds, Counts: []uint64{148, 1, 0, 1}}
	p50, p99, maxLag, n := lagBetween(first, last)
	if n != 100 || p50 != 1 || p99 != 10 || maxLag != 100 {
		t.Errorf("p50 %v p99 %v max %v of %d beats", p50, p99, maxLag, n)
	}
	if _, _, _, n := lagBetween(first, LagHistogram{BoundsMs: bounds, Counts: []uint64{1}}); n != 0 {
		t.Error("a malformed histogram was read")
	}
}

// The embedded target serves the agents' format, so the probe reads it as
// it reads an agent: the block, its handler, on the run's clock.
func TestLoopWatchReadsTheEmbeddedTarget(t *testing.T) {
	base := startTarget(t, target.Config{Mode: target.Blocking, ComplexDelay: 300 * time.Millisecond})
	o := options(base, 400*time.Millisecond)
	o.LoopStatsURL, o.LoopPoll = base+target.DebugPath, 100*time.Millisecond
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	w := res.Loop
	if w == nil || w.Lost != "" || w.Source != target.SourceEmbedded || w.Format != LoopFormat || w.Pid == 0 {
		t.Fatalf("loop watch %+v: want the embedded target's document", w)
	}
	s, ok := w.Slowest()
	if !ok || s.Handler != "ComplexHandler" || s.DurationMs < 250 {
		t.Fatalf("stalls %+v: want ComplexHandler's 300ms block", w.Stalls)
	}
	if end := float64(res.Elapsed) / 1e6; s.StartMs < 0 || s.StartMs > end {
		t.Errorf("the block starts at %.1fms, outside the run's %.1fms", s.StartMs, end)
	}
	if w.Heartbeats == 0 || w.LagMaxMs < 250 {
		t.Errorf("lag max %.1fms over %d beats: want the block's lag", w.LagMaxMs, w.Heartbeats)
	}
}

func TestSharpenLag(t *testing.T) {
	bounds := []float64{1, 10, 100, 1000}
	tests := []struct {
		name                    string
		maxLag, p50, p99, stall float64
		want                    [3]float64
	}{
		{"the stall is in the top bucket", 1000, 1, 1000, 600, [3]float64{600, 1, 600}},
		{"the stall is below the top bucket", 1000, 1, 1000, 60, [3]float64{1000, 1, 1000}},
		{"the stall is past the histogram", 100, 1, 10, 600, [3]float64{600, 1, 10}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, p50, p99 := sharpenLag(tc.maxLag, tc.p50, tc.p99, tc.stall, bounds)
			if got := [3]float64{m, p50, p99}; got != tc.want {
				t.Errorf("max, p50, p99 = %v, want %v", got, tc.want)
			}
		})
	}
}
