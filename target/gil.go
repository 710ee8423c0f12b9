package target

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultSwitchInterval is CPython's default sys.getswitchinterval().
const DefaultSwitchInterval = 5 * time.Millisecond

// GIL models CPython's global interpreter lock (the "new GIL" of Python 3.2
// and later). Python code runs only while its thread holds the lock. A
// thread that has waited one switch interval without the lock changing
// hands asks the holder to drop it; a CPU-bound holder drops it at its next
// check, and the lock goes to whichever waiter wins, not the one that waited
// longest: a thread that needs it often, as an event loop doing I/O does,
// keeps losing it to CPU-bound threads (the convoy effect, bpo-7946).
type GIL struct {
	interval time.Duration

	mu       sync.Mutex
	held     bool
	waiters  []chan struct{}
	switches uint64 // hand-overs, read by waiters to see whether the lock moved
	rng      *rand.Rand

	dropRequest atomic.Bool

	acquisitions   atomic.Uint64
	forcedSwitches atomic.Uint64
	loopWait       atomic.Int64 // total nanoseconds the loop waited
	loopWaitMax    atomic.Int64
}

// NewGIL returns a free lock with the given switch interval (zero means
// DefaultSwitchInterval).
func NewGIL(interval time.Duration) *GIL {
	if interval <= 0 {
		interval = DefaultSwitchInterval
	}
	return &GIL{interval: interval, rng: rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))}
}

// acquire blocks until the calling goroutine holds the lock. byLoop marks the
// event loop, whose waiting is what slows every request.
func (g *GIL) acquire(byLoop bool) {
	g.acquisitions.Add(1)
	g.mu.Lock()
	if !g.held {
		g.held = true
		g.mu.Unlock()
		return
	}
	start := time.Now()
	ch := make(chan struct{}, 1)
	g.waiters = append(g.waiters, ch)
	seen := g.switches
	g.mu.Unlock()

	t := time.NewTimer(g.interval)
	defer t.Stop()
	for {
		select {
		case <-ch:
			if byLoop {
				g.recordLoopWait(time.Since(start))
			}
			return
		case <-t.C:
			g.mu.Lock()
			if g.switches == seen {
				g.dropRequest.Store(true) // CPython's gil_drop_request
			}
			seen = g.switches
			g.mu.Unlock()
			t.Reset(g.interval)
		}
	}
}

// release gives the lock up; if others wait, one of them, chosen at random,
// gets it.
func (g *GIL) release() {
	g.mu.Lock()
	g.dropRequest.Store(false)
	n := len(g.waiters)
	if n == 0 {
		g.held = false
		g.mu.Unlock()
		return
	}
	i := g.rng.IntN(n)
	next := g.waiters[i]
	g.waiters[i] = g.waiters[n-1]
	g.waiters = g.waiters[:n-1]
	g.switches++
	g.mu.Unlock()
	next <- struct{}{} // the lock stays held: it passes straight to next
}

// checkDrop is what a CPU-bound holder calls between bits of work, as the
// interpreter checks its eval breaker: when another thread asked for the
// lock, it drops it and queues to win it back.
func (g *GIL) checkDrop() {
	if !g.dropRequest.Load() {
		return
	}
	g.forcedSwitches.Add(1)
	g.release()
	g.acquire(false)
}

func (g *GIL) recordLoopWait(d time.Duration) {
	g.loopWait.Add(int64(d))
	for {
		old := g.loopWaitMax.Load()
		if int64(d) <= old || g.loopWaitMax.CompareAndSwap(old, int64(d)) {
			return
		}
	}
}

// Stats returns the lock's counters since it was made.
func (g *GIL) Stats() GILStats {
	return GILStats{
		SwitchIntervalMs: ms(g.interval),
		Acquisitions:     g.acquisitions.Load(),
		ForcedSwitches:   g.forcedSwitches.Load(),
		LoopWaitMs:       ms(time.Duration(g.loopWait.Load())),
		LoopWaitMaxMs:    ms(time.Duration(g.loopWaitMax.Load())),
	}
}
