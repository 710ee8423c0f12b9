package probe

import (
	"math"
	"time"
)

// Stage is one step of the load (Options.Stages): for Duration, Level
// closed-loop ComplexHandler workers, or, when the load is open-loop
// (Options.LoadRate > 0), Level ComplexHandler requests per second.
type Stage struct {
	Duration time.Duration
	Level    float64
}

// StageResult is what one stage of the load window measured. Probes belong
// to the stage they were due in, ComplexHandler requests to the stage they
// were sent in; the baseline is the run's.
type StageResult struct {
	Stage
	// Start and End bound the stage, as offsets from Result.Started.
	Start, End            time.Duration
	MainLoaded            Stats
	MainLoadedUncorrected Stats
	ComplexLoaded         Stats
	// LoadApplied is how many ComplexHandler requests per second the
	// generator actually sent in the stage.
	LoadApplied     float64
	GeneratorLagP99 time.Duration
	Verdict         Verdict
}

// plan is the load of a run as a list of stages: Options.Stages, or one
// stage as long as the window at Concurrency workers or LoadRate.
type plan struct {
	stages []Stage
	ends   []time.Duration // of each stage, from the start of the load window
	open   bool            // levels are rates: requests go out open-loop
	shard  Shard           // whose share of the load this run sends
}

func newPlan(o Options) plan {
	p := plan{stages: o.Stages, open: o.LoadRate > 0, shard: o.Shard}
	if len(p.stages) == 0 {
		level := float64(o.Concurrency)
		if p.open {
			level = o.LoadRate
		}
		p.stages = []Stage{{Duration: o.Duration, Level: level}}
	}
	if !p.open && o.Shard.Sharded() {
		p.stages = append([]Stage(nil), p.stages...)
		for i := range p.stages {
			p.stages[i].Level = o.Shard.share(p.stages[i].Level)
		}
	}
	var end time.Duration
	for _, s := range p.stages {
		end += s.Duration
		p.ends = append(p.ends, end)
	}
	return p
}

// window is the length of the load window: the stages end to end.
func (p plan) window() time.Duration { return p.ends[len(p.ends)-1] }

// start is when stage i begins, from the start of the load window.
func (p plan) start(i int) time.Duration {
	if i == 0 {
		return 0
	}
	return p.ends[i-1]
}

// at is the stage that offset (from the start of the load window) falls in;
// the first before the window, the last after it.
func (p plan) at(offset time.Duration) int {
	for i, end := range p.ends {
		if offset < end {
			return i
		}
	}
	return len(p.ends) - 1
}

// workers is how many closed-loop workers the busiest stage needs.
func (p plan) workers() int {
	n := 0
	for _, s := range p.stages {
		n = max(n, int(s.Level))
	}
	return n
}

// idleUntil says whether worker k (from zero) has nothing to do at offset,
// because the stage there needs fewer workers, and if so until when: the
// start of the next stage that needs it, or the end of the window. A
// worker that is let go finishes its request in flight, as a user who
// leaves a page waits for its answer.
func (p plan) idleUntil(k int, offset time.Duration) (time.Duration, bool) {
	i := p.at(offset)
	if k < int(p.stages[i].Level) {
		return 0, false
	}
	for j := i + 1; j < len(p.stages); j++ {
		if k < int(p.stages[j].Level) {
			return p.start(j), true
		}
	}
	return p.window(), true
}

// pacer schedules open-loop ComplexHandler requests: in each stage at its
// own constant rate, from the stage's start.
func (p plan) pacer() Pacer {
	var s stagesPacer
	for i, st := range p.stages {
		c := ConstantPacer{Rate: st.Level, Start: p.start(i), Stop: p.ends[i]}
		s.pacers = append(s.pacers, c)
		s.counts = append(s.counts, c.count())
	}
	return p.shard.pacer(s)
}

// stagesPacer runs constant pacers one after the other.
type stagesPacer struct {
	pacers []ConstantPacer
	counts []uint64 // how many requests each schedules
}

// Next implements Pacer.
func (s stagesPacer) Next(hits uint64) (time.Duration, bool) {
	for i, p := range s.pacers {
		if hits < s.counts[i] {
			return p.Next(hits)
		}
		hits -= s.counts[i]
	}
	return 0, false
}

// count is how many requests p schedules, without walking its schedule: a
// stage at 100,000/s for an hour holds 360 million.
func (p ConstantPacer) count() uint64 {
	if _, ok := p.Next(0); !ok {
		return 0
	}
	n := uint64(math.Ceil((p.Stop - p.Start).Seconds() * p.Rate))
	for n > 0 {
		if _, ok := p.Next(n - 1); ok {
			break
		}
		n--
	}
	for {
		if _, ok := p.Next(n); !ok {
			return n
		}
		n++
	}
}
