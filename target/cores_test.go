package target

import (
	"sync"
	"testing"
	"time"
)

// Computations share the cores: up to one per core at full speed, beyond
// that each at cores/computations.
func TestCoresShareProcessors(t *testing.T) {
	const work = 100 * time.Millisecond
	cases := []struct {
		cores, jobs int
		want        time.Duration
	}{
		{2, 1, work},
		{2, 2, work},
		{2, 4, 2 * work},
		{1, 3, 3 * work},
	}
	for _, tc := range cases {
		c := NewCores(tc.cores)
		start := time.Now()
		var wg sync.WaitGroup
		for range tc.jobs {
			wg.Go(func() {
				if !c.compute(work, nil) {
					t.Error("compute returned false without quit")
				}
			})
		}
		wg.Wait()
		if took := time.Since(start); took < tc.want*9/10 || took > tc.want*3/2+50*time.Millisecond {
			t.Errorf("%d computations of %v on %d cores took %v, want about %v", tc.jobs, work, tc.cores, took, tc.want)
		}
	}
}

// A computation cut short frees its share for the others.
func TestCoresQuit(t *testing.T) {
	c := NewCores(1)
	quit := make(chan struct{})
	cut := make(chan bool)
	go func() { cut <- c.compute(time.Hour, quit) }()
	time.Sleep(10 * time.Millisecond)
	start := time.Now()
	close(quit)
	if <-cut {
		t.Error("compute reported done after quit")
	}
	if !c.compute(50*time.Millisecond, nil) {
		t.Error("compute returned false without quit")
	}
	if took := time.Since(start); took > 150*time.Millisecond {
		t.Errorf("a computation after one was cut took %v, want about 50ms", took)
	}
}

// Progress over an interval is shared at the rate the interval had, also
// for the computations accounted after one that ended in it.
func TestCoresAdvanceSharesOneRate(t *testing.T) {
	t0 := time.Now()
	for range 20 { // map order varies: try both orders
		c := NewCores(1)
		short := &cpuJob{left: 50 * time.Millisecond, done: make(chan struct{})}
		long := &cpuJob{left: 100 * time.Millisecond, done: make(chan struct{})}
		c.jobs[short], c.jobs[long] = struct{}{}, struct{}{}
		c.last = t0
		c.advance(t0.Add(100 * time.Millisecond)) // two jobs on one core: 50ms each
		if _, ok := c.jobs[short]; ok {
			t.Fatalf("the short job is left with %v, want it done", short.left)
		}
		if long.left != 50*time.Millisecond {
			t.Fatalf("the long job is left with %v, want 50ms", long.left)
		}
	}
}
