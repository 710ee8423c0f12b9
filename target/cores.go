package target

import (
	"runtime"
	"sync"
	"time"
)

// Cores shares a host's processors among computations, as the OS shares them
// among runnable threads and processes: with no more computations than
// cores each runs at full speed; with more, each progresses at
// cores/computations of it (processor sharing). A computation that needs d
// of CPU time then ends after d·max(1, computations/cores).
//
// It keeps its own time, with one timer for the earliest end, rather than
// burning Go's processors: the figures are the host's, not Go's scheduler's.
type Cores struct {
	n int

	mu    sync.Mutex
	jobs  map[*cpuJob]struct{}
	last  time.Time // progress is accounted up to here
	timer *time.Timer
}

type cpuJob struct {
	left time.Duration
	done chan struct{}
}

// NewCores models n processors; n <= 0 means the host's (runtime.NumCPU,
// which counts the processors this process may run on, so taskset -c 0
// gives one).
func NewCores(n int) *Cores {
	if n <= 0 {
		n = runtime.NumCPU()
	}
	return &Cores{n: n, jobs: make(map[*cpuJob]struct{})}
}

// N is how many processors the model shares.
func (c *Cores) N() int { return c.n }

// compute occupies a share of the cores until d of CPU time has been done,
// or returns false when quit is closed first.
func (c *Cores) compute(d time.Duration, quit <-chan struct{}) bool {
	if d <= 0 {
		return true
	}
	j := &cpuJob{left: d, done: make(chan struct{})}
	c.mu.Lock()
	c.advance(time.Now())
	c.jobs[j] = struct{}{}
	c.schedule()
	c.mu.Unlock()
	select {
	case <-j.done:
		return true
	case <-quit:
		c.mu.Lock()
		c.advance(time.Now())
		delete(c.jobs, j)
		c.schedule()
		c.mu.Unlock()
		return false
	}
}

// rate is how fast each computation progresses now. c.mu must be held.
func (c *Cores) rate() float64 {
	return min(1, float64(c.n)/float64(max(len(c.jobs), 1)))
}

// advance accounts the progress since c.last and ends the computations that
// are done. c.mu must be held.
func (c *Cores) advance(now time.Time) {
	if !c.last.IsZero() && len(c.jobs) > 0 {
		progress := time.Duration(float64(now.Sub(c.last)) * c.rate())
		for j := range c.jobs {
			if j.left -= progress; j.left <= 0 {
				close(j.done)
				delete(c.jobs, j)
			}
		}
	}
	c.last = now
}

// schedule arms the timer for the earliest end. c.mu must be held.
func (c *Cores) schedule() {
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	if len(c.jobs) == 0 {
		return
	}
	next := time.Duration(-1)
	for j := range c.jobs {
		if next < 0 || j.left < next {
			next = j.left
		}
	}
	c.timer = time.AfterFunc(time.Duration(float64(next)/c.rate()), c.tick)
}

func (c *Cores) tick() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.advance(time.Now())
	c.schedule()
}
