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
	// gilHops is how many times the callback must win the GIL (when the GIL
	// model is on): a request's trip through a Python loop takes the lock
	// for accept, read, the handler and write, each I/O call releasing it.
	gilHops int
}

// Loop runs callbacks one at a time, in the order they were posted, on a
// single goroutine. Nothing runs on the loop concurrently with anything else
// that runs on it, so a callback that blocks delays all the others.
type Loop struct {
	mu       sync.Mutex
	queue    []Callback
	spare    []Callback // the drained queue, reused to avoid allocation
	sleeping bool       // the loop waits on wake; posters must signal it
	closed   bool
	wake     chan struct{}
	done     chan struct{}
	timers   map[*time.Timer]struct{}

	gil     *GIL
	monitor *monitor
}

// NewLoop returns a loop that is not yet running; call Run. gil may be nil.
func NewLoop(gil *GIL) *Loop {
	return &Loop{
		wake:    make(chan struct{}, 1),
		done:    make(chan struct{}),
		timers:  make(map[*time.Timer]struct{}),
		gil:     gil,
		monitor: newMonitor(),
	}
}

// Post queues cb to run on the loop. It never blocks and may be called from
// any goroutine. It returns false when the loop has been closed.
func (l *Loop) Post(cb Callback) bool {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return false
	}
	l.queue = append(l.queue, cb)
	signal := l.sleeping
	l.sleeping = false
	l.mu.Unlock()
	if signal {
		l.wake <- struct{}{}
	}
	return true
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
		for len(l.queue) == 0 && !l.closed {
			l.sleeping = true
			l.mu.Unlock()
			<-l.wake
			l.mu.Lock()
		}
		if l.closed {
			l.mu.Unlock()
			return
		}
		batch := l.queue
		l.queue, l.spare = l.spare[:0], nil
		l.mu.Unlock()

		l.monitor.queued(len(batch))
		for i := range batch {
			l.run(batch[i])
			batch[i] = Callback{} // let the closure be collected
		}
		l.mu.Lock()
		if l.spare == nil {
			l.spare = batch[:0]
		}
		l.mu.Unlock()
	}
}

// run runs one callback and times it. Under the GIL model the loop first
// wins the lock once per I/O step of the callback; that waiting is the GIL's
// (GILStats.LoopWaitMs, and the heartbeat's lag), not the callback's, so the
// monitor times only the callback itself and names the real culprit.
func (l *Loop) run(cb Callback) {
	if l.gil != nil {
		for range max(cb.gilHops, 1) - 1 {
			l.gil.acquire(true)
			l.gil.release()
		}
		l.gil.acquire(true)
		defer l.gil.release()
	}
	start := time.Now()
	l.monitor.begin(cb.Name, start)
	cb.Fn()
	l.monitor.ran(cb.Name, start, time.Now())
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
	signal := l.sleeping
	l.sleeping = false
	l.mu.Unlock()
	if signal {
		l.wake <- struct{}{}
	}
}

// Stats returns the loop's figures since it started or since ResetStats.
func (l *Loop) Stats() LoopStats { return l.monitor.stats() }

// LagSamples returns every heartbeat since the loop started or since
// ResetStats, in time order.
func (l *Loop) LagSamples() []LagSample { return l.monitor.samples() }

// ResetStats starts a new statistics window.
func (l *Loop) ResetStats() { l.monitor.reset() }
