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
