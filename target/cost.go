package target

import (
	"sync"
	"sync/atomic"
	"time"
)

// burn does as much computation as an uncontended core does in d. Unlike
// a loop that watches the clock, it takes longer when the core is shared,
// as the real runtime's work does: on a busy machine the loop's own steps
// stretch, and so does everyone else's.
func burn(d time.Duration) {
	if d <= 0 {
		return
	}
	n := int64(d) * burnRate() >> burnShift
	x := spinSink.Load() | 1
	for range max(n, 1) {
		x = xorshift64(x)
	}
	spinSink.Store(x)
}

// spinSink keeps the compiler from removing burn's arithmetic.
var spinSink atomic.Uint64

// burnShift scales burnRate, in rounds per 2^-burnShift ns.
const burnShift = 16

var burnRate = sync.OnceValue(func() int64 {
	// The fastest of a few trials is the uncontended rate.
	const rounds = 1 << 14
	best := time.Duration(1<<63 - 1)
	x := uint64(1)
	for range 7 {
		start := time.Now()
		for range rounds {
			x = xorshift64(x)
		}
		best = min(best, max(time.Since(start), 1))
	}
	spinSink.Store(x)
	return int64(rounds<<burnShift) / int64(best)
})

func xorshift64(x uint64) uint64 {
	for range 64 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}
