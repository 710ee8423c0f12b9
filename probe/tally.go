package probe

import (
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// tally aggregates a run's records as they come, in constant memory: the
// statistics of each endpoint and phase, the generator's lateness, and the
// probes that stalled. Records must come baseline first, as a run makes them.
type tally struct {
	threshold             time.Duration
	mainBaseline          *accumulator
	mainLoaded            *accumulator
	mainLoadedUncorrected *accumulator
	mainLoadedFromFired   *accumulator
	complexLoaded         *accumulator
	sendLag               *hdrhistogram.Histogram
	stallLimit            time.Duration // set at the first loaded probe
	stalled               int
}

func newTally(threshold time.Duration) *tally {
	return &tally{
		threshold:             threshold,
		mainBaseline:          newAccumulator(Record.Latency),
		mainLoaded:            newAccumulator(Record.Latency),
		mainLoadedUncorrected: newAccumulator(Record.Uncorrected),
		mainLoadedFromFired:   newAccumulator(Record.FromFired),
		complexLoaded:         newAccumulator(Record.Latency),
		sendLag:               NewHistogram(),
		stallLimit:            -1,
	}
}

func (t *tally) add(r Record) {
	switch {
	case r.Endpoint == Main && r.Phase == Baseline:
		t.mainBaseline.add(r)
	case r.Endpoint == Main && r.Phase == Loaded:
		if t.stallLimit < 0 {
			// The baseline is over when probing starts.
			t.stallLimit = t.mainBaseline.stats().P99 + t.threshold
		}
		t.mainLoaded.add(r)
		t.mainLoadedUncorrected.add(r)
		t.mainLoadedFromFired.add(r)
		_ = t.sendLag.RecordValue(clampUS(r.SendLag()))
		// A probe the generator failed says nothing of the target.
		if !r.Answered() && !r.Err.Generators() && r.Latency() > t.stallLimit {
			t.stalled++
		}
	case r.Endpoint == Complex && r.Phase == Loaded:
		t.complexLoaded.add(r)
	}
}

// fill sets the aggregates of res.
func (t *tally) fill(res *Result) {
	res.MainBaseline = t.mainBaseline.stats()
	res.MainLoaded = t.mainLoaded.stats()
	res.MainLoadedUncorrected = t.mainLoadedUncorrected.stats()
	res.ComplexLoaded = t.complexLoaded.stats()
	res.GeneratorLagP99 = 0
	if t.sendLag.TotalCount() > 0 {
		res.GeneratorLagP99 = time.Duration(t.sendLag.ValueAtQuantile(99)) * time.Microsecond
	}
	res.Verdict = Judge(res.MainBaseline, res.MainLoaded, t.stalled, t.threshold).
		Qualify(res.ComplexLoaded, res.MainLoaded, res.GeneratorLagP99, t.mainLoadedFromFired.stats().P99)
}
