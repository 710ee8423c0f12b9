package probe

import "time"

// Verdict says whether MainHandler was starved under load (DESIGN §3).
type Verdict struct {
	Starved bool
	// Conclusive is false when there was nothing to judge: no MainHandler
	// probe under load got an answer and none stalled.
	Conclusive  bool
	BaselineP99 time.Duration
	LoadedP99   time.Duration
	Threshold   time.Duration
	// Probes is the number of MainHandler probes sent under load; Stalled
	// counts those that got no answer although they waited longer than the
	// idle p99 plus the threshold (they timed out, or the run was cut off).
	Probes  int
	Stalled int
	// NoBaseline is set when no baseline request was answered, so the loaded
	// p99 was compared with zero.
	NoBaseline bool
}

// Excess is how far the loaded p99 rose above the idle p99.
func (v Verdict) Excess() time.Duration { return v.LoadedP99 - v.BaselineP99 }

// Judge applies the starvation rule: MainHandler is starved when its p99
// under load exceeds its idle p99 by more than threshold (exactly at the
// threshold is not starved). Stalled probes count as starvation too, when
// more than 1% of the probes stalled (they lie beyond the p99): a loop that
// never answers must not look healthy because it left no latencies behind.
func Judge(baseline, loaded Stats, stalled int, threshold time.Duration) Verdict {
	v := Verdict{
		BaselineP99: baseline.P99,
		LoadedP99:   loaded.P99,
		Threshold:   threshold,
		Probes:      loaded.Count,
		Stalled:     stalled,
		NoBaseline:  baseline.Answered() == 0,
	}
	if loaded.Answered() == 0 && stalled == 0 {
		return v
	}
	v.Conclusive = true
	v.Starved = Starved(v.Excess(), threshold, stalled, v.Probes)
	return v
}

// Starved is the starvation rule (DESIGN §3) on its figures: the loaded p99
// rose above the idle p99 by more than threshold, or more than 1% of the
// probes stalled, which puts them beyond the p99 too.
func Starved(excess, threshold time.Duration, stalled, probes int) bool {
	return excess > threshold || stalled*100 > probes
}
