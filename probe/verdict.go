package probe

import (
	"fmt"
	"time"
)

// Verdict says whether MainHandler was starved under load (README: the verdict).
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
	// Reason says why there is no verdict; empty when Conclusive.
	Reason string
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
		v.Reason = "no probe under load completed"
		if v.Probes > 0 {
			v.Reason = fmt.Sprintf("none of %d probes under load was answered", v.Probes)
		}
		return v
	}
	v.Conclusive = true
	v.Starved = Starved(v.Excess(), threshold, stalled, v.Probes)
	return v
}

// Starved is the starvation rule on its figures: the loaded p99
// rose above the idle p99 by more than threshold, or more than 1% of the
// probes stalled, which puts them beyond the p99 too.
func Starved(excess, threshold time.Duration, stalled, probes int) bool {
	return excess > threshold || stalled*100 > probes
}

// Qualify withdraws a verdict that the run cannot support: when no load
// was applied (no ComplexHandler request completed or was still being
// worked on), when blockprobe ran out of its own resources, or when the
// generator's own lateness explains a rise reported as starvation: most of
// the rise is lag (the p99 of how late probes were sent), and the probes'
// p99 counted from when the generator launched them (fromFired) is not
// starved. A stalled target holds a late probe as long as a punctual one,
// so its starvation shows from either point. Each would otherwise blame or
// clear the target for what the generator did.
func (v Verdict) Qualify(load, probes Stats, lag, fromFired time.Duration) Verdict {
	if !v.Conclusive {
		return v
	}
	busy := load.ErrorsByClass[string(ErrTimeout)] + load.ErrorsByClass[string(ErrCanceled)] + load.ErrorsByClass[string(ErrCutOff)]
	own := load.ErrorsByClass[string(ErrGenerator)] + probes.ErrorsByClass[string(ErrGenerator)]
	behind := probes.ErrorsByClass[string(ErrBehind)]
	switch {
	case load.Count == 0:
		v.Reason = "no ComplexHandler request was sent, so no load was applied (is --duration long enough?)"
	case load.OK == 0 && busy == 0:
		v.Reason = fmt.Sprintf("none of %d ComplexHandler requests succeeded, so no load was applied", load.Count)
	case own > 0:
		v.Reason = fmt.Sprintf("blockprobe ran out of its own resources (file descriptors, ports) for %d requests; lower --rate or --concurrency, or raise ulimit -n", own)
	case behind > 0:
		v.Reason = fmt.Sprintf("the generator fell behind: %d probes were not sent, blockprobe being more than --timeout behind schedule; lower --rate, or give blockprobe more CPU", behind)
	case v.Starved && 2*lag >= v.Excess() && !Starved(fromFired-v.BaselineP99, v.Threshold, v.Stalled, v.Probes):
		v.Reason = fmt.Sprintf("the generator fell behind: it sent probes %s late (p99), and counted from when it sent them their p99 is %s, within the threshold. Lower --rate or --concurrency, or give blockprobe more CPU",
			lag.Round(time.Microsecond), fromFired.Round(time.Microsecond))
	default:
		return v
	}
	v.Conclusive, v.Starved = false, false
	return v
}
