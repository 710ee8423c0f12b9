package target

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func runLoop(t testing.TB, gil *GIL) *Loop {
	l := NewLoop(gil)
	go l.Run()
	t.Cleanup(func() {
		l.Close()
		<-l.Done()
	})
	return l
}

// Callbacks run one at a time, in the order they were posted, even when
// posted from many goroutines.
func TestLoopRunsCallbacksInOrderOneAtATime(t *testing.T) {
	l := runLoop(t, nil)
	const posters, each = 8, 500
	var running atomic.Int32
	var overlap atomic.Bool
	seen := make([][]int, posters) // written only on the loop
	var wg sync.WaitGroup
	done := make(chan struct{})
	var left atomic.Int32
	left.Store(posters * each)
	for p := range posters {
		wg.Go(func() {
			for i := range each {
				l.Post(Callback{Name: "t", Fn: func() {
					if running.Add(1) != 1 {
						overlap.Store(true)
					}
					seen[p] = append(seen[p], i)
					running.Add(-1)
					if left.Add(-1) == 0 {
						close(done)
					}
				}})
			}
		})
	}
	wg.Wait()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("callbacks did not all run")
	}
	if overlap.Load() {
		t.Error("two callbacks ran at once")
	}
	for p, got := range seen {
		for i, v := range got {
			if v != i {
				t.Fatalf("poster %d: callback %d ran in place %d: not FIFO", p, v, i)
			}
		}
	}
}

// A callback that blocks delays the ones queued behind it, and the monitor
// names it.
func TestLoopBlockingCallbackDelaysOthers(t *testing.T) {
	l := runLoop(t, nil)
	const block = 100 * time.Millisecond
	l.Post(Callback{Name: "Blocker", Fn: func() { time.Sleep(block) }})
	ran := make(chan time.Time, 1)
	posted := time.Now()
	l.Post(Callback{Name: "Quick", Fn: func() { ran <- time.Now() }})
	if waited := (<-ran).Sub(posted); waited < block*8/10 {
		t.Errorf("quick callback waited %v behind a %v blocker", waited, block)
	}
	time.Sleep(3 * HeartbeatInterval)
	st := l.Stats()
	if st.SlowestHandler != "Blocker" || st.SlowestCallbackMs < ms(block)*0.9 {
		t.Errorf("slowest %q %.1fms, want Blocker >= %v", st.SlowestHandler, st.SlowestCallbackMs, block)
	}
	if st.LagMaxMs < ms(block)*0.5 {
		t.Errorf("lag max %.1fms: the heartbeat missed the block", st.LagMaxMs)
	}
	if n := len(l.LagSamples()); n < 2 {
		t.Errorf("%d lag samples, want several", n)
	}
	// A new window forgets the block (a heartbeat may run in it meanwhile).
	l.ResetStats()
	if st := l.Stats(); st.SlowestHandler == "Blocker" || st.SlowestCallbackMs > ms(block)/10 || st.LagMaxMs > ms(block)/2 {
		t.Errorf("after ResetStats the block is still counted: %+v", st)
	}
}

// Thousands of suspended timers cost no goroutines, and all of them fire.
func TestCallLaterHoldsManySuspendedCallbacksWithoutGoroutines(t *testing.T) {
	l := runLoop(t, nil)
	const n = 10_000
	before := runtime.NumGoroutine()
	var fired atomic.Int32
	all := make(chan struct{})
	for range n {
		l.CallLater(200*time.Millisecond, Callback{Name: "c", Fn: func() {
			if fired.Add(1) == n {
				close(all)
			}
		}})
	}
	// A goroutine per timer would be 10,000; the count is the whole
	// process's, so goroutines of earlier tests still ending show too.
	if g := runtime.NumGoroutine() - before; g > n/20 {
		t.Errorf("%d suspended callbacks cost %d goroutines", n, g)
	}
	select {
	case <-all:
	case <-time.After(10 * time.Second):
		t.Fatalf("only %d of %d timers fired", fired.Load(), n)
	}
}

func TestClosedLoopRefusesWork(t *testing.T) {
	l := NewLoop(nil)
	go l.Run()
	l.CallLater(time.Hour, Callback{Name: "never", Fn: func() { t.Error("timer fired after Close") }})
	l.Close()
	<-l.Done()
	if l.Post(Callback{Name: "late", Fn: func() {}}) {
		t.Error("Post succeeded on a closed loop")
	}
	l.Close() // a second Close is harmless
}

// The GIL hands over to a waiter only when asked, then to any waiter.
func TestGILForcesSwitchAfterInterval(t *testing.T) {
	g := NewGIL(2 * time.Millisecond)
	quit := make(chan struct{})
	defer close(quit)
	g.acquire(false)
	computing := make(chan struct{})
	go func() {
		close(computing)
		compute(300*time.Millisecond, g, quit)
		g.release()
	}()
	<-computing
	start := time.Now()
	time.Sleep(time.Millisecond)
	g.acquire(true) // the loop wants it while a worker computes
	waited := time.Since(start)
	g.release()
	if waited < 2*time.Millisecond || waited > 200*time.Millisecond {
		t.Errorf("loop won the GIL after %v, want after about one 2ms switch interval", waited)
	}
	st := g.Stats()
	if st.ForcedSwitches < 1 || st.LoopWaitMs <= 0 {
		t.Errorf("GIL stats %+v, want a forced switch and loop wait", st)
	}
}

// Stats read while a callback blocks the loop show the block as it stands.
func TestLoopStatsWhileBlocked(t *testing.T) {
	l := runLoop(t, nil)
	time.Sleep(2 * HeartbeatInterval) // let a heartbeat be armed
	release := make(chan struct{})
	l.Post(Callback{Name: "Blocker", Fn: func() { <-release }})
	time.Sleep(150 * time.Millisecond)
	st := l.Stats()
	close(release)
	if st.SlowestHandler != "Blocker" || !st.SlowestStillRunning || st.SlowestCallbackMs < 100 {
		t.Errorf("while blocked: slowest %q %.1fms (still running %v), want Blocker >= 100ms still running",
			st.SlowestHandler, st.SlowestCallbackMs, st.SlowestStillRunning)
	}
	if st.LagMaxMs < 100 || st.BusyFraction < 0.3 {
		t.Errorf("while blocked: lag max %.1fms, busy %.2f: the block is not visible", st.LagMaxMs, st.BusyFraction)
	}
}
