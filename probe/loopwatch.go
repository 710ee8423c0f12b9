package probe

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/blockprobe/blockprobe/internal/tick"
)

// LoopWatch is what a loop agent said of the server's event loop during a
// run: the stalls, when they were and what held the loop, and the lag.
type LoopWatch struct {
	URL, Source, Runtime string
	// Format is the document's format (LoopFormat), Pid the server's
	// process id, as the agent gave them.
	Format      string
	Pid         int
	ThresholdMs float64
	// OffsetMs is the agent's clock minus blockprobe's, estimated from the
	// round trip of the quickest poll; the true offset is within
	// ±UncertaintyMs of it (half that round trip).
	OffsetMs, UncertaintyMs float64
	// Every is how often the agent was polled; Polls counts the answers,
	// Failures the polls that got none. Lost says why the agent stopped
	// answering during the run, empty when it did not.
	Every           time.Duration
	Polls, Failures int
	Lost            string
	// Stalls overlap the run; their StartMs counts from its start. Missed
	// counts stalls the agent's ring let go before a poll could read them,
	// Unkept those read when maxStallsKept were kept already: stalls with
	// no details, but stalls.
	Stalls         []Stall
	Missed, Unkept int
	// Lag of the loop's heartbeat during the run, from the agent's
	// histograms (bucket bounds, so within one bucket, ~26%); Heartbeats
	// counts the heartbeats behind them, zero when the agent gave none.
	LagP50Ms, LagP99Ms, LagMaxMs float64
	Heartbeats                   uint64
	// BusyFraction is the part of the run the loop spent in stalls.
	BusyFraction float64
}

// Slowest is the longest stall of the run, and false when there was none.
func (w *LoopWatch) Slowest() (Stall, bool) {
	if len(w.Stalls) == 0 {
		return Stall{}, false
	}
	best := w.Stalls[0]
	for _, s := range w.Stalls[1:] {
		if s.DurationMs > best.DurationMs {
			best = s
		}
	}
	return best, true
}

// DefaultLoopPoll is how often a loop agent is polled during a run: often
// enough that its ring of stalls cannot overflow unseen at any plausible
// stall rate, seldom enough to cost the server nothing measurable (one
// small GET a second, answered off its loop, on a connection of its own).
const DefaultLoopPoll = time.Second

// loopWatcher polls an agent from a goroutine of its own, on a client of
// its own, so the polls stay off the probes' connections and schedule.
type loopWatcher struct {
	url    string
	client *http.Client
	start  time.Time // the run's start, the origin of its offsets

	mu      sync.Mutex
	w       LoopWatch
	first   *LoopDoc
	last    *LoopDoc
	stalls  map[stallKey]Stall // by start, the latest version read
	unkept  map[stallKey]bool  // stalls counted in Unkept that the agent still lists
	rtt     time.Duration      // the quickest round trip so far
	cancel  context.CancelFunc // ends the polls, and cuts short one in flight
	stopped chan struct{}
}

// loopReadTimeout bounds one read of an agent. The polls run beside the
// run and one in flight is cut short when it ends, so a hung agent costs
// the run its last read, no more.
const loopReadTimeout = 2 * time.Second

type stallKey struct {
	startUS int64
	handler string
}

// watchLoop reads the agent at url from now, then every interval until
// finish, from a goroutine of its own: a slow agent does not hold up the
// run's start. An https agent's certificate is checked unless insecure.
func watchLoop(url string, start time.Time, every time.Duration, insecure bool) *loopWatcher {
	ctx, cancel := context.WithCancel(context.Background())
	lw := &loopWatcher{
		url:     url,
		client:  agentClient(insecure, true),
		start:   start,
		stalls:  map[stallKey]Stall{},
		rtt:     math.MaxInt64,
		cancel:  cancel,
		stopped: make(chan struct{}),
	}
	lw.w.URL, lw.w.Every = RedactURLs(url), every
	go lw.loop(ctx, every)
	return lw
}

func (lw *loopWatcher) loop(ctx context.Context, every time.Duration) {
	defer close(lw.stopped)
	lw.poll(ctx)
	tick.While(ctx.Done(), every, func() bool { lw.poll(ctx); return true })
}

// poll reads the agent once and folds what it said in; a read that the
// end of the run (ctx) cut short says nothing.
func (lw *loopWatcher) poll(ctx context.Context) {
	read, cancel := context.WithTimeout(ctx, loopReadTimeout)
	defer cancel()
	doc, sent, back, err := readLoopDoc(read, lw.client, lw.url)
	if ctx.Err() != nil {
		return
	}
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if err != nil {
		lw.w.Failures++
		if lw.w.Lost == "" {
			lw.w.Lost = fmt.Sprintf("the agent stopped answering %s into the run: %s", time.Since(lw.start).Round(time.Millisecond), clip(err.Error(), maxDetail))
		}
		return
	}
	lw.w.Polls++
	lw.w.Lost = "" // it answers again
	if rtt := back.Sub(sent); rtt < lw.rtt {
		lw.rtt = rtt
		mid := sent.Add(rtt / 2)
		lw.w.OffsetMs = doc.NowMs - epochMs(mid)
		lw.w.UncertaintyMs = float64(rtt) / float64(time.Millisecond) / 2
	}
	lw.w.Source, lw.w.Runtime, lw.w.ThresholdMs = doc.Source, doc.Runtime, doc.ThresholdMs
	lw.w.Format, lw.w.Pid = doc.Format, doc.Pid
	if lw.first == nil {
		lw.first = &doc
	} else if lw.last != nil {
		newer := doc.StallsTotal - lw.last.StallsTotal
		fresh := 0
		for _, s := range doc.Stalls {
			if _, kept := lw.stalls[keyOf(s)]; !kept && !lw.unkept[keyOf(s)] {
				fresh++
			}
		}
		lw.w.Missed += max(0, newer-fresh)
	}
	unkept := map[stallKey]bool{}
	for _, s := range doc.Stalls {
		k := keyOf(s)
		if _, kept := lw.stalls[k]; kept || len(lw.stalls) < maxStallsKept {
			lw.stalls[k] = s
			continue
		}
		if !lw.unkept[k] {
			lw.w.Unkept++
		}
		unkept[k] = true // remembered while listed, so counted once
	}
	lw.unkept, lw.last = unkept, &doc
}

func keyOf(s Stall) stallKey {
	return stallKey{startUS: int64(s.StartMs * 1000), handler: s.Handler}
}

func epochMs(t time.Time) float64 { return float64(t.UnixNano()) / 1e6 }

// finish reads the agent a last time, stops polling and returns what it
// said of the run, which lasted elapsed.
func (lw *loopWatcher) finish(elapsed time.Duration) *LoopWatch {
	lw.cancel()
	<-lw.stopped
	lw.poll(context.Background())
	lw.mu.Lock()
	defer lw.mu.Unlock()
	w := lw.w
	if lw.first == nil {
		if w.Lost == "" {
			w.Lost = "the agent never answered"
		}
		return &w
	}
	runMs := float64(elapsed) / float64(time.Millisecond)
	origin := epochMs(lw.start) + w.OffsetMs // the run's start on the agent's clock
	busy := 0.0
	for _, s := range lw.stalls {
		s.StartMs -= origin
		end := s.StartMs + s.DurationMs
		if end <= 0 || s.StartMs >= runMs {
			continue
		}
		busy += min(end, runMs) - max(s.StartMs, 0)
		w.Stalls = append(w.Stalls, s)
	}
	sort.Slice(w.Stalls, func(i, j int) bool { return w.Stalls[i].StartMs < w.Stalls[j].StartMs })
	if runMs > 0 {
		w.BusyFraction = min(1, busy/runMs)
	}
	w.LagP50Ms, w.LagP99Ms, w.LagMaxMs, w.Heartbeats = lagBetween(lw.first.LagHistogram, lw.last.LagHistogram)
	if s, ok := w.Slowest(); ok {
		w.LagMaxMs, w.LagP50Ms, w.LagP99Ms = sharpenLag(w.LagMaxMs, w.LagP50Ms, w.LagP99Ms, s.DurationMs, lw.last.LagHistogram.BoundsMs)
	}
	return &w
}

// sharpenLag puts the slowest stall, a lag the agent timed, in place of
// the bucket bound that holds it: a 1.00s stall counted in the bucket up to
// 1.26s makes the max 1.00s, and no percentile above it. A stall longer
// than the max (the histogram lags behind the stall list) raises the max.
func sharpenLag(maxLag, p50, p99, stall float64, bounds []float64) (float64, float64, float64) {
	i := sort.SearchFloat64s(bounds, maxLag)
	if i < len(bounds) && bounds[i] == maxLag && (i == 0 || bounds[i-1] < stall) && stall <= maxLag {
		return stall, min(p50, stall), min(p99, stall)
	}
	return max(maxLag, stall), p50, p99
}

// lagBetween reads the lag percentiles of the heartbeats counted between
// two reads of an agent's histogram, as bucket upper bounds.
func lagBetween(a, b LagHistogram) (p50, p99, maxLag float64, n uint64) {
	if len(b.Counts) == 0 || len(b.Counts) != len(b.BoundsMs)+1 {
		return 0, 0, 0, 0
	}
	diff := make([]uint64, len(b.Counts))
	for i, c := range b.Counts {
		if len(a.Counts) == len(b.Counts) && a.Counts[i] <= c {
			c -= a.Counts[i]
		}
		diff[i] = c
		n += c
	}
	if n == 0 {
		return 0, 0, 0, 0
	}
	bound := func(i int) float64 {
		if i < len(b.BoundsMs) {
			return b.BoundsMs[i]
		}
		return b.BoundsMs[len(b.BoundsMs)-1] // past the last bound: at least that
	}
	at := func(q float64) float64 {
		want, seen := uint64(math.Ceil(q*float64(n))), uint64(0)
		for i, c := range diff {
			if seen += c; seen >= want {
				return bound(i)
			}
		}
		return bound(len(diff) - 1)
	}
	for i := len(diff) - 1; i >= 0; i-- {
		if diff[i] > 0 {
			maxLag = bound(i)
			break
		}
	}
	return at(0.50), at(0.99), maxLag, n
}
