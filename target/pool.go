package target

import "sync"

// Pool is a fixed set of worker goroutines fed from an unbounded FIFO queue,
// like Python's ThreadPoolExecutor(max_workers) or ProcessPoolExecutor: with
// every worker busy, a new job waits for the first one to come free. Its
// workers' computations share the cores.
type Pool struct {
	size     int
	executor Executor
	cores    *Cores
	wg       sync.WaitGroup

	mu           sync.Mutex
	cond         *sync.Cond
	queue        []func()
	closed       bool
	busy         int
	maxBusy      int
	longestQueue int
	completed    uint64
}

// NewPool starts size workers of the given executor, computing on cores (nil
// means the host's).
func NewPool(size int, executor Executor, cores *Cores) *Pool {
	if cores == nil {
		cores = NewCores(0)
	}
	p := &Pool{size: size, executor: executor, cores: cores}
	p.cond = sync.NewCond(&p.mu)
	for range size {
		p.wg.Go(p.work)
	}
	return p
}

// Submit queues job for the next free worker. It returns false once the pool
// is closed.
func (p *Pool) Submit(job func()) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.queue = append(p.queue, job)
	p.longestQueue = max(p.longestQueue, p.waiting())
	p.cond.Signal()
	return true
}

func (p *Pool) work() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		for len(p.queue) == 0 && !p.closed {
			p.cond.Wait()
		}
		if p.closed {
			return
		}
		job := p.queue[0]
		p.queue[0] = nil
		p.queue = p.queue[1:]
		p.busy++
		p.maxBusy = max(p.maxBusy, p.busy)
		p.mu.Unlock()
		job()
		p.mu.Lock()
		p.busy--
		p.completed++
	}
}

// Close drops the jobs still queued, lets running jobs finish and waits for
// the workers to exit. Jobs must watch for shutdown themselves to end early.
func (p *Pool) Close() {
	p.mu.Lock()
	p.closed = true
	p.queue = nil
	p.cond.Broadcast()
	p.mu.Unlock()
	p.wg.Wait()
}

// Stats returns the pool's figures; Busy and Queued are as of now.
func (p *Pool) Stats() PoolStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return PoolStats{
		Size:         p.size,
		Busy:         p.busy,
		MaxBusy:      p.maxBusy,
		Queued:       len(p.queue),
		LongestQueue: p.longestQueue,
		Completed:    p.completed,
	}
}

func (p *Pool) resetStats() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.maxBusy, p.longestQueue, p.completed = p.busy, p.waiting(), 0
}

// waiting is how many queued jobs no idle worker is about to take: the
// queue a sixth request of a pool of five waits in. p.mu must be held.
func (p *Pool) waiting() int {
	return max(0, len(p.queue)-(p.size-p.busy))
}
