package probe

import "time"

// Result is everything one run measured.
type Result struct {
	Options Options
	// Started is the wall-clock time the run began; record offsets count from it.
	Started time.Time
	// Elapsed is how long the run took, baseline to the last answer.
	Elapsed time.Duration
	// LoadStart and LoadEnd bound the load window, as offsets from Started.
	LoadStart, LoadEnd time.Duration
	// StartLate is how long after Options.StartAt this run reached its
	// load window: the probes and load due before then were not sent.
	StartLate time.Duration
	// Records holds the requests of the run in the order they finished, up
	// to Options.MaxRecords; Dropped counts those beyond. The aggregates
	// below include every request.
	Records []Record
	Dropped int
	// Partial is set when the run was interrupted before its end.
	Partial bool

	MainBaseline          Stats
	MainLoaded            Stats
	MainLoadedUncorrected Stats
	ComplexLoaded         Stats
	// GeneratorLagP99 is the p99 of how late probes were sent against their
	// schedule: large values mean the generator, not the target, fell behind.
	GeneratorLagP99 time.Duration
	Verdict         Verdict
	// Loop is what the loop agent at Options.LoopStatsURL saw; nil without one.
	Loop *LoopWatch
	// LoadApplied is how many ComplexHandler requests per second were
	// actually sent over the load window: the rate asked for, unless the
	// generator fell behind (with LoadRate), or the throughput of the
	// workers.
	LoadApplied float64
	// Stages holds the figures of each of Options.Stages; nil without.
	Stages []StageResult
}

// Summarize fills the aggregates of r from its records, as a run does
// while it goes.
func (r *Result) Summarize() {
	t := newTally(r.Options)
	for _, rec := range r.Records {
		if rec.Phase == Baseline {
			t.add(rec)
		}
	}
	for _, rec := range r.Records {
		if rec.Phase != Baseline {
			t.add(rec)
		}
	}
	t.fill(r)
}
