package probe

import (
	"math"
	"time"
)

// Pacer decides when each open-loop probe is due. It is the one place that
// schedules probes, so other arrival patterns are a new Pacer, not a change
// to the run.
type Pacer interface {
	// Next returns when probe number hits (counting from zero) is due, as an
	// offset from the start of the load window, and false when no more
	// probes are to be sent.
	Next(hits uint64) (due time.Duration, ok bool)
}

// ConstantPacer schedules probes at a fixed rate from Start until Stop
// (exclusive). The schedule is fixed in advance: a probe sent late keeps its
// due time, so its lateness shows in the latency instead of being hidden, and
// late probes are not skipped.
type ConstantPacer struct {
	Rate        float64 // probes per second
	Start, Stop time.Duration
}

// Next implements Pacer.
func (p ConstantPacer) Next(hits uint64) (time.Duration, bool) {
	if p.Rate <= 0 || math.IsInf(p.Rate, 0) || math.IsNaN(p.Rate) {
		return 0, false
	}
	// In floating point first: at a tiny rate the offset is beyond any
	// Duration (even +Inf), and converted it would wrap round to a time
	// before Stop, for ever.
	offset := float64(hits) * float64(time.Second) / p.Rate
	if !(offset < float64(p.Stop-p.Start)) {
		return 0, false
	}
	return p.Start + time.Duration(offset), true
}

// Planned counts the probes p schedules, up to limit.
func Planned(p Pacer, limit int) int {
	n := 0
	for n < limit {
		if _, ok := p.Next(uint64(n)); !ok {
			break
		}
		n++
	}
	return n
}
