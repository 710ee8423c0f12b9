package target

import (
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

// do performs d of work on the calling goroutine, a thread of the loop's
// process. When gil is not nil the caller holds it, and holds it again when
// do returns. It returns early, with false, when quit is closed.
func (w Work) do(d time.Duration, gil *GIL, byLoop bool, quit <-chan struct{}) bool {
	if w == CPU {
		return compute(d, gil, quit)
	}
	if gil != nil {
		gil.release()
		defer gil.acquire(byLoop)
	}
	return wait(d, quit)
}

// compute runs d of CPU-bound work, under the GIL when gil is not nil. The
// thread has a processor to itself: only one thread of the process computes
// at a time (a pool's computations share the host's cores through Cores).
func compute(d time.Duration, gil *GIL, quit <-chan struct{}) bool {
	if gil != nil {
		return gil.compute(d, quit)
	}
	return wait(d, quit)
}

// wait lets d pass, or less if quit is closed first (then it returns false).
// Computing is modelled as time passing too, not as a processor kept busy,
// so that the figures do not depend on how Go schedules the model's own
// goroutines.
func wait(d time.Duration, quit <-chan struct{}) bool {
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
