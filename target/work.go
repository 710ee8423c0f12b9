package target

import (
	"sync/atomic"
	"time"
)

// Work is the kind of work ComplexHandler does.
type Work string

// The kinds of work.
const (
	// Sleep waits, as blocking I/O does (time.sleep, a synchronous database
	// driver). It releases the GIL while it waits.
	Sleep Work = "sleep"
	// CPU computes for the whole time. It holds the GIL while it computes.
	CPU Work = "cpu"
)

// ParseWork checks a --work value.
func ParseWork(s string) (Work, error) { return choose("work", s, Sleep, CPU) }

// cpuSlice is how long CPU work computes between checks of the GIL's drop
// request and of shutdown; CPython checks its eval breaker about as often.
const cpuSlice = 50 * time.Microsecond

// do performs d of work on the calling goroutine. When gil is not nil the
// caller holds it, and holds it again when do returns. It returns early, with
// false, when quit is closed.
func (w Work) do(d time.Duration, gil *GIL, byLoop bool, quit <-chan struct{}) bool {
	if w == CPU {
		return compute(d, gil, quit)
	}
	if gil != nil {
		gil.release()
		defer gil.acquire(byLoop)
	}
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-quit:
		return false
	}
}

// compute keeps a core busy until it has computed for d. Under the GIL only
// the time it holds the lock counts, as CPU work in CPython only progresses
// while its thread runs bytecode.
func compute(d time.Duration, gil *GIL, quit <-chan struct{}) bool {
	var done time.Duration
	for done < d {
		select {
		case <-quit:
			return false
		default:
		}
		start := time.Now()
		spin(min(cpuSlice, d-done))
		done += time.Since(start)
		if gil != nil {
			gil.checkDrop()
		}
	}
	return true
}

// spinSink keeps the compiler from removing spin's arithmetic.
var spinSink atomic.Uint64

func spin(d time.Duration) {
	x := spinSink.Load() | 1
	for start := time.Now(); time.Since(start) < d; {
		for range 64 {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
		}
	}
	spinSink.Store(x)
}
