package target

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

// A holder that gives the lock up for a moment, as the loop does around a
// short non-blocking I/O call, mostly gets it back before a waiting thread
// wakes: forty such moments beside a computing thread cost the loop about
// shortReleaseLost·40 = 10 switch intervals, not forty.
func TestGILShortReleaseKeepsTheLock(t *testing.T) {
	const interval = 20 * time.Millisecond
	g := NewGIL(interval)
	quit := make(chan struct{})
	var wg sync.WaitGroup
	defer wg.Wait()
	defer close(quit)
	g.acquire(true)
	wg.Go(func() {
		g.acquire(false) // waits: the loop holds the lock
		defer g.release()
		compute(time.Hour, g, quit)
	})
	time.Sleep(time.Millisecond)
	start := time.Now()
	for range 40 {
		g.release()
		g.acquire(true)
	}
	took := time.Since(start)
	g.release()
	if took > 20*interval {
		t.Errorf("40 short releases took the loop %v, want about 10 switch intervals of %v, at most 20", took, interval)
	}
}

// Computing threads take turns under the lock: each is forced to drop it
// every switch interval, and only time under the lock counts as work.
func TestGILComputingThreadsTakeTurns(t *testing.T) {
	const threads, work, interval = 3, 100 * time.Millisecond, 2 * time.Millisecond
	g := NewGIL(interval)
	quit := make(chan struct{})
	defer close(quit)
	start := time.Now()
	var wg sync.WaitGroup
	for range threads {
		wg.Go(func() {
			g.acquire(false)
			defer g.release()
			compute(work, g, quit)
		})
	}
	wg.Wait()
	if took := time.Since(start); took < threads*work*9/10 || took > threads*work*2 {
		t.Errorf("%d threads of %v took %v, want about %v", threads, work, took, threads*work)
	}
	if st := g.Stats(); st.ForcedSwitches < uint64(threads*work/interval/3) {
		t.Errorf("%d forced switches, want about one per %v interval", st.ForcedSwitches, interval)
	}
}

// The model keeps its own time: with one Go processor, the loop waits for
// the lock about as long as with all of them (within 3x: who wins the lock
// is random, and a median of 25 waits still varies).
func TestGILLoopWaitIndependentOfGOMAXPROCS(t *testing.T) {
	const interval = 4 * time.Millisecond
	loopWait := func(threads int) time.Duration {
		g := NewGIL(interval)
		quit := make(chan struct{})
		var wg sync.WaitGroup
		defer wg.Wait()
		defer close(quit)
		for range threads {
			wg.Go(func() {
				g.acquire(false)
				defer g.release()
				compute(time.Hour, g, quit)
			})
		}
		time.Sleep(10 * time.Millisecond)
		var waits []time.Duration
		for range 25 {
			start := time.Now()
			g.acquire(true)
			waits = append(waits, time.Since(start))
			g.release()
			time.Sleep(3 * time.Millisecond)
		}
		return median(waits)
	}
	for _, threads := range []int{1, 3} {
		all := loopWait(threads)
		prev := runtime.GOMAXPROCS(1)
		one := loopWait(threads)
		runtime.GOMAXPROCS(prev)
		if all < interval*3/4 || one < interval*3/4 || one > all*3 || all > one*3 {
			t.Errorf("%d computing threads: the loop waited %v with GOMAXPROCS=%d and %v with 1, want alike and at least about the %v interval",
				threads, all, prev, one, interval)
		}
	}
}
