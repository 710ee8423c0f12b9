package target

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultSwitchInterval is CPython's default sys.getswitchinterval().
const DefaultSwitchInterval = 5 * time.Millisecond

// wakeLatency is how long a thread the OS wakes for a released lock takes to
// run and claim it. A holder that re-takes the lock sooner keeps it, as
// CPython's loop thread does across most short non-blocking I/O calls
// (accept, recv, send, a poll that need not wait).
const wakeLatency = 50 * time.Microsecond

// shortReleaseLost is how often the woken waiter wins that race anyway:
// drop_gil signals a waiter before the I/O call, and nothing in ceval_gil.c
// lets the releaser win. Calibrated against Tornado on CPython 3.11
// (bench/FIDELITY-GIL.md): a request then needs the lock back about 1.7
// times beside one computing thread, and with five the loop falls behind.
const shortReleaseLost = 0.25

// GIL models CPython's global interpreter lock (the "new GIL" of Python 3.2
// and later, Python/ceval_gil.c). Python code runs only while its thread
// holds the lock. A waiting thread waits one switch interval at a time; when
// a whole interval passed without the lock changing hands, it sets the drop
// request. The holder, if it computes, drops the lock at its next check and,
// as FORCE_SWITCHING makes it, waits until another thread has taken it: the
// lock goes to one waiter, whichever the OS wakes, not the one that waited
// longest. A thread that gives the lock up of its own accord (I/O, the loop
// going back to its poller) wakes one waiter, which claims it unless the
// releaser has re-taken it first. So an event loop that comes back from its
// poller while a thread computes waits about one switch interval for the
// lock, and more with every other computing thread it must win it from (the
// convoy effect, bpo-7946).
//
// The model keeps its own time: a computation holds the lock for a span of
// virtual CPU time measured by timers, not by burning a processor, so who
// runs when does not depend on how many threads Go's scheduler has (the
// model agrees with itself under GOMAXPROCS=1).
type GIL struct {
	interval time.Duration

	mu       sync.Mutex
	held     bool
	waiters  []*gilWaiter
	switches uint64        // hand-overs, read by waiters to see whether the lock moved
	drop     chan struct{} // closed when a waiter asks the holder to drop the lock
	dropped  bool          // drop is closed: CPython's gil_drop_request
	rng      *rand.Rand

	acquisitions   atomic.Uint64
	forcedSwitches atomic.Uint64
	loopWait       atomic.Int64 // total nanoseconds the loop waited
	loopWaitMax    atomic.Int64
}

// gilWaiter is one thread waiting for the lock. g.mu guards it.
type gilWaiter struct {
	granted chan struct{}
	seen    uint64 // g.switches when its current interval began
	timer   *time.Timer
	done    bool
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
		g.take()
		g.mu.Unlock()
		return
	}
	start := time.Now()
	w := &gilWaiter{granted: make(chan struct{}, 1), seen: g.switches}
	g.waiters = append(g.waiters, w)
	w.timer = time.AfterFunc(g.interval, func() { g.timedOut(w) })
	g.mu.Unlock()

	<-w.granted
	if byLoop {
		g.recordLoopWait(time.Since(start))
	}
}

// timedOut is a waiter's switch interval ending: CPython's COND_TIMED_WAIT
// in take_gil returning on its timeout.
func (g *GIL) timedOut(w *gilWaiter) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if w.done {
		return
	}
	if !g.held {
		g.handTo(w) // released, and this waiter runs before the one woken for it
		return
	}
	if g.switches == w.seen && !g.dropped {
		g.dropped = true
		close(g.drop)
	}
	w.seen = g.switches
	w.timer.Reset(g.interval)
}

// release gives the lock up. Asked to drop it, the holder hands it straight
// to a waiter; otherwise it wakes one, which claims it after wakeLatency
// unless someone has taken the lock by then, or, shortReleaseLost of the
// time, at once.
func (g *GIL) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.dropped && len(g.waiters) > 0 {
		g.handTo(g.pick())
		return
	}
	if len(g.waiters) > 0 && g.rng.Float64() < shortReleaseLost {
		g.handTo(g.pick())
		return
	}
	g.held = false
	if len(g.waiters) > 0 {
		time.AfterFunc(wakeLatency, g.claim)
	}
}

// claim is a woken waiter reaching the lock.
func (g *GIL) claim() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.held && len(g.waiters) > 0 {
		g.handTo(g.pick())
	}
}

// pick removes and returns the waiter the OS happens to run first. g.mu
// must be held and a waiter must exist.
func (g *GIL) pick() *gilWaiter {
	n := len(g.waiters)
	i := g.rng.IntN(n)
	w := g.waiters[i]
	g.waiters[i] = g.waiters[n-1]
	g.waiters[n-1] = nil
	g.waiters = g.waiters[:n-1]
	return w
}

// handTo makes w the holder. g.mu must be held; w may still be listed.
func (g *GIL) handTo(w *gilWaiter) {
	for i, x := range g.waiters {
		if x == w {
			g.waiters = append(g.waiters[:i], g.waiters[i+1:]...)
			break
		}
	}
	w.done = true
	w.timer.Stop()
	g.switches++
	g.take()
	w.granted <- struct{}{}
}

// take marks the lock held by a new holder, not yet asked to drop it. g.mu
// must be held.
func (g *GIL) take() {
	g.held = true
	g.drop = make(chan struct{})
	g.dropped = false
}

// compute runs d of CPU-bound Python on the calling goroutine, which holds
// the lock and holds it again when compute returns. Only time under the
// lock counts, as a computation in CPython only progresses while its thread
// runs bytecode. It returns early, with false, when quit is closed.
func (g *GIL) compute(d time.Duration, quit <-chan struct{}) bool {
	for d > 0 {
		g.mu.Lock()
		drop := g.drop
		g.mu.Unlock()
		start := time.Now()
		t := time.NewTimer(d)
		select {
		case <-t.C:
			return true
		case <-quit:
			t.Stop()
			return false
		case <-drop:
			t.Stop()
			d -= time.Since(start)
			g.forcedSwitches.Add(1)
			g.release() // to a waiter, at once: it asked
			g.acquire(false)
		}
	}
	return true
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
