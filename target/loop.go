// Package target is blockprobe's embedded target: an HTTP server whose
// handlers run on one event-loop goroutine, as in Tornado, asyncio or Node,
// so that a handler that blocks the loop delays every other request.
package target

import (
	"sync"
	"time"
)

// Callback is one unit of work for the loop. Name says which handler it
// belongs to; the loop's statistics use it to name the culprit.
type Callback struct {
	Name string
	Fn   func()
	// steps is how many steps of the runtime's own code the callback runs
	// besides Fn (see LoopKind.stepCost): an accept, a read, a coroutine
	// resumed. Callbacks posted from outside the model cost none.
	steps int
}

// Loop runs callbacks one at a time on a single goroutine, in iterations,
// as asyncio and libuv do: each iteration polls for sockets that became
// ready, then runs the callbacks that were ready when it began, in order;
// whatever they schedule runs in the next iteration. Nothing runs on the
// loop concurrently with anything else that runs on it, so a callback that
// blocks delays all the others, and delays the polling too.
type Loop struct {
	mu       sync.Mutex
	queue    []Callback
	spare    []Callback // the drained queue, reused to avoid allocation
	sleeping bool       // the loop waits on wake; posters must signal it
	closed   bool
	wake     chan struct{}
	done     chan struct{}
	timers   map[*time.Timer]struct{}
	poller   poller
	events   []*socket // the last poll's, reused

	kind LoopKind
	cost stepCost
	// warmAt is when the runtime's own code last ran, and coldHalves how
	// many half steps must still run cold (see stepCost); loop only.
	warmAt     time.Time
	coldHalves int
	answered   *socket // the callback running answered on it; loop only
	gil        *GIL
	monitor    *monitor
}

// NewLoop returns a loop that is not yet running; call Run. gil may be nil.
// It models Tornado's loop, at no cost per step; a Server sets its own.
func NewLoop(gil *GIL) *Loop {
	l := &Loop{
		wake:    make(chan struct{}, 1),
		done:    make(chan struct{}),
		timers:  make(map[*time.Timer]struct{}),
		kind:    Tornado,
		gil:     gil,
		monitor: newMonitor(),
	}
	l.poller.init()
	return l
}

// Post queues cb to run on the loop, in its next iteration. It never blocks
// and may be called from any goroutine, the loop's included (asyncio's
// call_soon). It returns false when the loop has been closed.
func (l *Loop) Post(cb Callback) bool {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return false
	}
	l.queue = append(l.queue, cb)
	l.unlockAndWake(true)
	return true
}

// unlockAndWake releases l.mu and, if ready and the loop sleeps, wakes it.
func (l *Loop) unlockAndWake(ready bool) {
	signal := ready && l.sleeping
	if signal {
		l.sleeping = false
	}
	l.mu.Unlock()
	if signal {
		l.wake <- struct{}{}
	}
}

// CallLater posts cb to the loop once d has passed, like Tornado's
// IOLoop.call_later or asyncio's loop.call_later. No goroutine waits in the
// meantime: a suspended request costs a timer, not a stack.
func (l *Loop) CallLater(d time.Duration, cb Callback) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	var t *time.Timer
	t = time.AfterFunc(d, func() {
		l.mu.Lock()
		delete(l.timers, t)
		l.mu.Unlock()
		l.Post(cb)
	})
	l.timers[t] = struct{}{}
}

// Done is closed when the loop has stopped.
func (l *Loop) Done() <-chan struct{} { return l.done }

// Run runs callbacks until Close is called; callbacks still queued then are
// dropped. It must be called once.
func (l *Loop) Run() {
	defer close(l.done)
	hb := newHeartbeat(l)
	hb.arm()
	for {
		l.mu.Lock()
		l.poller.register()
		for len(l.queue) == 0 && !l.poller.pending() && !l.closed {
			l.sleeping = true
			l.mu.Unlock()
			<-l.wake
			l.mu.Lock()
			l.poller.register()
		}
		if l.closed {
			l.mu.Unlock()
			return
		}
		batch := l.queue
		l.queue, l.spare = l.spare[:0], nil
		l.events = l.poller.poll(l.events[:0])
		for _, sk := range l.events {
			batch = append(batch, l.readable(sk))
		}
		clear(l.events)
		l.mu.Unlock()

		l.iterate(batch)
		l.mu.Lock()
		if l.spare == nil {
			l.spare = batch[:0]
		}
		l.mu.Unlock()
	}
}

// iterate runs one iteration's callbacks. Under the GIL model the loop
// holds the lock for the whole iteration, as CPython's loop thread does
// from the moment the poller returns until it polls again; waiting for it
// is the GIL's (GILStats.LoopWaitMs, and the heartbeat's lag), not a
// callback's, so the monitor times only the callbacks.
func (l *Loop) iterate(batch []Callback) {
	l.monitor.queued(len(batch))
	if l.gil != nil {
		l.gil.acquire(true)
		defer l.gil.release()
	}
	for i := range batch {
		l.run(batch[i])
		batch[i] = Callback{} // let the closure be collected
	}
}

// run runs one callback and times it, the runtime's own steps included.
// Their work sits on both sides of the callback's I/O: parsing and dispatch
// before, bookkeeping after the answer is written.
func (l *Loop) run(cb Callback) {
	start := time.Now()
	l.monitor.begin(cb.Name, start)
	l.spend(cb.steps)
	cb.Fn()
	l.yieldToClients()
	l.spend(cb.steps)
	l.monitor.ran(cb.Name, start, time.Now())
}

// spend computes for the runtime's own share of half steps, cold if the
// loop has been away from it for more than coolAfter.
func (l *Loop) spend(halves int) {
	c := l.cost
	if halves <= 0 || c.cold+c.warm <= 0 {
		return
	}
	if time.Since(l.warmAt) > coolAfter {
		l.coldHalves = 2 * c.coldSteps
	}
	cold := min(halves, l.coldHalves)
	l.coldHalves -= cold
	burn(time.Duration(cold)*c.cold/2 + time.Duration(halves-cold)*c.warm/2)
	l.warmAt = time.Now()
}

// cold reports whether the loop's own steps run cold now: it has been away
// from them for more than coolAfter, or has not yet run the cold ones
// since it came back.
func (l *Loop) cold() bool {
	return l.coldHalves > 0 || time.Since(l.warmAt) > coolAfter
}

// Close stops the loop after the callback it is running, cancels pending
// CallLater timers and makes Post refuse new callbacks. It is safe to call
// more than once and from any goroutine.
func (l *Loop) Close() {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.closed = true
	for t := range l.timers {
		t.Stop()
	}
	clear(l.timers)
	l.unlockAndWake(true)
}

// Stats returns the loop's figures since it started or since ResetStats.
func (l *Loop) Stats() LoopStats { return l.monitor.stats() }

// LagSamples returns every heartbeat since the loop started or since
// ResetStats, in time order.
func (l *Loop) LagSamples() []LagSample { return l.monitor.samples() }

// ResetStats starts a new statistics window.
func (l *Loop) ResetStats() { l.monitor.reset() }
