package probe

import (
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// tally aggregates a run's records as they come, in constant memory: the
// statistics of each endpoint and phase, the generator's lateness, and the
// probes that stalled; and the same for each stage of the load, whose
// tallies share the run's baseline. Records must come baseline first, as a
// run makes them.
type tally struct {
	threshold             time.Duration
	mainBaseline          *accumulator
	mainLoaded            *accumulator
	mainLoadedUncorrected *accumulator
	mainLoadedFromFired   *accumulator
	complexLoaded         *accumulator
	complexSent           int // ComplexHandler requests that left the generator
	sendLag               *hdrhistogram.Histogram
	stallLimit            time.Duration // set at the first loaded probe
	stalled               int
	stages                []*tally
	// loadElsewhere is set for a shard whose share of the load is none
	// (Shard.share): the other shards load the target.
	loadElsewhere bool
}

// newTally returns a tally for a run of o.
func newTally(o Options) *tally {
	threshold, elsewhere := o.StarveThreshold, newPlan(o).idle()
	t := newLoadTally(threshold, newAccumulator(Record.Latency), elsewhere)
	for range o.Stages {
		t.stages = append(t.stages, newLoadTally(threshold, t.mainBaseline, elsewhere))
	}
	return t
}

func newLoadTally(threshold time.Duration, baseline *accumulator, elsewhere bool) *tally {
	return &tally{
		loadElsewhere:         elsewhere,
		threshold:             threshold,
		mainBaseline:          baseline,
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
		if r.Err != ErrBehind {
			t.complexSent++
		}
	}
	if r.Phase == Loaded && r.Stage >= 0 && r.Stage < len(t.stages) {
		t.stages[r.Stage].add(r)
	}
}

// loadFigures are what a tally measured under load, judged.
type loadFigures struct {
	main, mainUncorrected, complex Stats
	lag                            time.Duration
	verdict                        Verdict
}

func (t *tally) loaded(baseline Stats) loadFigures {
	f := loadFigures{
		main:            t.mainLoaded.stats(),
		mainUncorrected: t.mainLoadedUncorrected.stats(),
		complex:         t.complexLoaded.stats(),
	}
	if t.sendLag.TotalCount() > 0 {
		f.lag = time.Duration(t.sendLag.ValueAtQuantile(99)) * time.Microsecond
	}
	load := f.complex
	if t.loadElsewhere {
		load = othersLoad
	}
	f.verdict = Judge(baseline, f.main, t.stalled, t.threshold).
		Qualify(load, f.main, f.lag, t.mainLoadedFromFired.stats().P99)
	return f
}

// fill sets the aggregates of res, whose load window must be set.
func (t *tally) fill(res *Result) {
	res.MainBaseline = t.mainBaseline.stats()
	f := t.loaded(res.MainBaseline)
	res.MainLoaded, res.MainLoadedUncorrected, res.ComplexLoaded = f.main, f.mainUncorrected, f.complex
	res.GeneratorLagP99, res.Verdict = f.lag, f.verdict
	res.LoadApplied = perSecond(t.complexSent, res.LoadStart, res.LoadEnd, res.Elapsed)
	res.Stages = nil
	if len(t.stages) == 0 {
		return
	}
	p := newPlan(res.Options)
	for i, st := range t.stages {
		f := st.loaded(res.MainBaseline)
		if p.stages[i].Level == 0 && f.complex.Count == 0 {
			f.verdict.Conclusive, f.verdict.Starved = false, false
			f.verdict.Reason = "a stage without load (level 0): nothing to judge"
		}
		start, end := res.LoadStart+p.start(i), res.LoadStart+p.ends[i]
		res.Stages = append(res.Stages, StageResult{
			Stage: p.stages[i], Start: start, End: end,
			MainLoaded: f.main, MainLoadedUncorrected: f.mainUncorrected, ComplexLoaded: f.complex,
			LoadApplied:     perSecond(st.complexSent, start, end, res.Elapsed),
			GeneratorLagP99: f.lag, Verdict: f.verdict,
		})
	}
}

// perSecond is the rate of n events from start to end, or to elapsed when
// the run was cut off before end; zero for a span that never began.
func perSecond(n int, start, end, elapsed time.Duration) float64 {
	if elapsed > 0 && elapsed < end {
		end = elapsed
	}
	if end <= start {
		return 0
	}
	return float64(n) / (end - start).Seconds()
}
