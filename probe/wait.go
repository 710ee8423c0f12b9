package probe

import (
	"context"
	"runtime"
	"sync"
	"time"
)

// How the generator waits: for a closed loop's next request after a
// failure, for the time a request is due, and for the load at the end.

// Backoff of a closed loop (the baseline, a load worker) whose requests
// fail at the connection level: a dead target refuses in microseconds, and
// a closed loop would otherwise hammer it with tens of thousands of futile
// requests.
const (
	minBackoff = 10 * time.Millisecond
	maxBackoff = 200 * time.Millisecond
)

// backoff is the wait of one closed loop before its next request.
type backoff struct{ d time.Duration }

// after returns how long to wait after rec before the next request: zero
// after an answer or a timeout (the target was there), else doubling from
// minBackoff up to maxBackoff.
func (b *backoff) after(rec Record) time.Duration {
	if rec.Answered() || rec.Err == ErrTimeout || rec.Err == ErrCanceled {
		b.d = 0
	} else {
		b.d = min(max(2*b.d, minBackoff), maxBackoff)
	}
	return b.d
}

// newStoppedTimer returns a timer for waitUntil to reset.
func newStoppedTimer() *time.Timer {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return t
}

// spinWindow is how long before a probe is due the generator stops sleeping
// on a timer and yields in a loop instead: timers wake up to a millisecond
// late on an idle virtual machine, and that lateness would be blamed on the
// target. Spinning keeps the goroutine runnable, which with a single P
// delays the network poller and so the answers of earlier probes; there it
// is used only when probes are at least minSpinInterval apart. Otherwise a
// probe may be sent up to a timer tick late: it is sent at once, keeps its
// scheduled time, and the lateness shows as generator lag.
const (
	spinWindow      = 1500 * time.Microsecond
	minSpinInterval = 10 * time.Millisecond
)

// waitUntil returns when the run reaches the offset at, or false when ctx is
// done first. spin asks for the precise wait described at spinWindow.
func (r *runner) waitUntil(ctx context.Context, timer *time.Timer, at time.Duration, spin bool) bool {
	window := time.Duration(0)
	if spin {
		window = spinWindow
	}
	if wait := at - time.Since(r.start) - window; wait > 0 {
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return false
		case <-timer.C:
		}
	}
	for spin && time.Since(r.start) < at {
		if ctx.Err() != nil {
			return false
		}
		runtime.Gosched()
	}
	return ctx.Err() == nil
}

// awaitLoad waits for the load's requests until deadline (from the start
// of the run), then cuts off those still in flight: the probes are done, so
// the load has nothing more to show, and a CI job needs the run's wall time
// bounded by its settings, not by the slowest handler.
func (r *runner) awaitLoad(ctx context.Context, load *sync.WaitGroup, deadline time.Duration) {
	done := make(chan struct{})
	go func() {
		load.Wait()
		close(done)
	}()
	t := time.NewTimer(max(0, deadline-time.Since(r.start)))
	defer t.Stop()
	select {
	case <-done:
		return
	case <-ctx.Done(): // interrupted: Grace ends the requests, as canceled
		<-done
		return
	case <-t.C:
	}
	r.cut.Store(true)
	r.cutLoad()
	<-done
}
