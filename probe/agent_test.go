package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blockprobe/blockprobe/internal/loopback"
	"github.com/blockprobe/blockprobe/internal/loopdoc"
	"github.com/blockprobe/blockprobe/target"
)

// What an agent's answer costs blockprobe is bounded by what it keeps, not
// by what the agent sends: a 4 MiB answer of "{}"s is a million stalls.
func TestReadLoopDocBoundsWhatItKeeps(t *testing.T) {
	big := strings.Repeat("x", 3<<20)
	for _, tc := range []struct {
		name, extra string
	}{
		{"a million empty stalls", `,"stalls":[` + strings.Repeat(`{},`, 1_300_000) + `{}]`},
		{"a million frames", `,"stalls":[{"start_ms":1,"frames":[` + strings.Repeat(`{},`, 1_300_000) + `{}]}]`},
		{"a handler of megabytes", `,"stalls":[{"start_ms":1,"handler":"` + big + `"}]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url := loopback.LoopAgent(t, tc.extra)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			doc, _, _, err := readLoopDoc(context.Background(), http.DefaultClient, url)
			runtime.GC()
			runtime.ReadMemStats(&after)
			runtime.KeepAlive(doc)
			if err != nil {
				t.Fatal(err)
			}
			// What the answer keeps alive: 4 MiB of it at most, and bounded stalls.
			if kept := int64(after.HeapAlloc) - int64(before.HeapAlloc); kept > 16<<20 {
				t.Errorf("what was read keeps %d MB", kept>>20)
			}
			if len(doc.Stalls) > maxStallsKept {
				t.Errorf("%d stalls kept, want at most %d", len(doc.Stalls), maxStallsKept)
			}
			for _, s := range doc.Stalls {
				if len(s.Frames) > maxFrames || len(s.Handler) > maxLoopText+len("...") {
					t.Fatalf("a stall of %d frames, its handler %d bytes, is kept", len(s.Frames), len(s.Handler))
				}
			}
		})
	}
}

// Of a long list of stalls, the newest are kept, oldest first; of a long
// stack, the innermost frames.
func TestDecodeArrayKeeps(t *testing.T) {
	got, err := decodeArray[int]([]byte(`[1,2,3,4,5,6,7]`), 3, true)
	if err != nil || fmt.Sprint(got) != "[5 6 7]" {
		t.Errorf("the last 3: %v, %v", got, err)
	}
	got, err = decodeArray[int]([]byte(`[1,2,3,4,5,6,7]`), 3, false)
	if err != nil || fmt.Sprint(got) != "[1 2 3]" {
		t.Errorf("the first 3: %v, %v", got, err)
	}
	if _, err := decodeArray[int]([]byte(`{"a":1}`), 3, false); err == nil {
		t.Error("an object was read as a list")
	}
}

// An agent that hangs costs the run its last read at most (the poll
// timeout), not a wait at the start and two at the end.
func TestASlowAgentDelaysTheRunByOneReadAtMost(t *testing.T) {
	base := startTarget(t, target.Config{Mode: target.Async, ComplexDelay: 50 * time.Millisecond})
	release := make(chan struct{})
	agent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer agent.Close()
	defer close(release)
	o := options(base, 300*time.Millisecond)
	o.LoopStatsURL, o.LoopPoll = agent.URL, 100*time.Millisecond
	began := time.Now()
	res, err := Run(context.Background(), o)
	took := time.Since(began)
	if err != nil {
		t.Fatal(err)
	}
	if res.Loop == nil || res.Loop.Lost == "" {
		t.Errorf("loop %+v: want the agent lost", res.Loop)
	}
	if limit := res.Elapsed + loopReadTimeout + 500*time.Millisecond; took > limit || res.Elapsed > time.Second {
		t.Errorf("the run took %s (its own %s): a hung agent may add one read, %s", took, res.Elapsed, loopReadTimeout)
	}
}

// blockprobe reads the agent it was given, and no other: an answer that
// redirects elsewhere (another host, a server in the network) is not
// followed.
func TestLoopWatchFollowsNoRedirect(t *testing.T) {
	base := startTarget(t, target.Config{Mode: target.Async, ComplexDelay: 50 * time.Millisecond})
	elsewhere := &fakeAgent{started: time.Now(), stallAt: time.Hour}
	other := httptest.NewServer(elsewhere)
	defer other.Close()
	redirect := httptest.NewServer(http.RedirectHandler(other.URL+"/debug/loop", http.StatusFound))
	defer redirect.Close()
	o := options(base, 200*time.Millisecond)
	o.LoopStatsURL = redirect.URL + "/debug/loop"
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if n := elsewhere.polls.Load(); n != 0 {
		t.Errorf("the redirect was followed: %d polls elsewhere", n)
	}
	if res.Loop == nil || !strings.Contains(res.Loop.Lost, "redirect to "+other.URL) {
		t.Errorf("loop %+v: want the redirect named", res.Loop)
	}
	if err := FindLoopAgent(context.Background(), o.LoopStatsURL, false); err == nil || elsewhere.polls.Load() != 0 {
		t.Errorf("FindLoopAgent: %v, %d polls elsewhere: want no agent found there", err, elsewhere.polls.Load())
	}
}

// stormAgent makes perPoll new stalls at each answer, all in the run, and
// lists the last ring of them, as an agent's ring does.
type stormAgent struct {
	mu      sync.Mutex
	total   int
	ring    []Stall
	perPoll int
}

func (a *stormAgent) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := epochMs(time.Now())
	for i := range a.perPoll {
		a.ring = append(a.ring, Stall{StartMs: now - 1 + float64(i)/1000, DurationMs: 25, Handler: "h"})
		a.total++
	}
	a.ring = a.ring[max(0, len(a.ring)-256):]
	doc := LoopDoc{Doc: loopdoc.Doc{Format: LoopFormat, NowMs: now, ThresholdMs: 20, StallsTotal: a.total, Stalls: a.ring}}
	_ = json.NewEncoder(w).Encode(doc)
}

// A loop that stalls more often than blockprobe keeps stalls' details
// still has every stall counted: loop.stalls is what --expect gates on.
func TestLoopWatchCountsStallsPastWhatItKeeps(t *testing.T) {
	base := startTarget(t, target.Config{Mode: target.Async, ComplexDelay: 50 * time.Millisecond})
	agent := &stormAgent{perPoll: 60}
	srv := httptest.NewServer(agent)
	defer srv.Close()
	o := options(base, 600*time.Millisecond)
	o.LoopStatsURL, o.LoopPoll = srv.URL, 20*time.Millisecond
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	w := res.Loop
	agent.mu.Lock()
	total := agent.total
	agent.mu.Unlock()
	if total <= maxStallsKept {
		t.Skipf("only %d stalls made: the machine is too slow to overflow what is kept", total)
	}
	// The first answer's stalls precede the run (it is read as it starts).
	if counted := len(w.Stalls) + w.Missed + w.Unkept; counted < total-agent.perPoll || counted > total {
		t.Errorf("%d stalls counted (%d kept, %d missed, %d unkept), the agent made %d", counted, len(w.Stalls), w.Missed, w.Unkept, total)
	}
}

// An https agent with a self-signed certificate is read with --insecure,
// as the target is, and refused without it.
func TestLoopAgentOverTLSHonoursInsecure(t *testing.T) {
	base := startTarget(t, target.Config{Mode: target.Async, ComplexDelay: 50 * time.Millisecond})
	agent := httptest.NewTLSServer(&fakeAgent{started: time.Now(), stallAt: time.Hour})
	defer agent.Close()
	for _, insecure := range []bool{false, true} {
		if err := FindLoopAgent(context.Background(), agent.URL+"/debug/loop", insecure); (err == nil) != insecure {
			t.Errorf("insecure %v: FindLoopAgent = %v", insecure, err)
		}
		o := options(base, 200*time.Millisecond)
		o.LoopStatsURL, o.Insecure = agent.URL+"/debug/loop", insecure
		res, err := Run(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		if answered := res.Loop != nil && res.Loop.Polls > 0; answered != insecure {
			t.Errorf("insecure %v: loop %+v", insecure, res.Loop)
		}
	}
}
