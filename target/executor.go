package target

import (
	"time"
)

// Executor is what the pool of pooled mode is made of.
type Executor string

// The executors, as in Python's concurrent.futures.
const (
	// Thread workers are threads of the loop's process, like
	// ThreadPoolExecutor: under the GIL model they share the loop's lock.
	Thread Executor = "thread"
	// Process workers are processes of their own, like ProcessPoolExecutor:
	// each has its own interpreter and lock, so they compete with each other
	// only for the host's cores, and never with the loop for its lock.
	Process Executor = "process"
)

// ParseExecutor checks an --executor value.
func ParseExecutor(s string) (Executor, error) { return choose("executor", s, Thread, Process) }

// do performs d of work on one of the pool's workers and reports whether it
// finished (false: quit cut it short). gil is the loop's lock, nil when the
// GIL model is off.
func (p *Pool) do(w Work, d time.Duration, gil *GIL, quit <-chan struct{}) bool {
	if p.executor == Process {
		gil = nil // the worker's own lock, which nothing else wants
	}
	if gil != nil {
		// A thread runs Python only under the lock, and only one thread
		// computes at a time, so the cores do not matter.
		gil.acquire(false)
		defer gil.release()
		return w.do(d, gil, false, quit)
	}
	if w == CPU {
		return p.cores.compute(d, quit)
	}
	return w.do(d, nil, false, quit)
}
