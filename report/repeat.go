package report

import (
	"fmt"
	"sort"

	"github.com/blockprobe/blockprobe/probe"
)

// RepeatInfo describes a report that is the median of several runs of the
// same scenario (--repeat), for CI jobs on noisy machines.
type RepeatInfo struct {
	N int `json:"n"`
	// Starved is how many of the N runs were judged starved on their own.
	Starved int `json:"starved"`
	// Spread gives, for each figure, the lowest, median and highest value
	// over the runs, keyed like "main.loaded.p99_ms".
	Spread map[string]Range `json:"spread"`
}

// Range is the spread of one figure over repeated runs.
type Range struct {
	Min    float64 `json:"min"`
	Median float64 `json:"median"`
	Max    float64 `json:"max"`
}

// Aggregate combines repeated runs of one scenario into one report: each
// latency figure is the median over the runs, counts are summed, each
// histogram is the runs' merged (the distribution of every request), the
// verdict is judged on the median figures, and Repeat.Spread shows how far
// the runs disagreed. Requests of every run are kept, marked with their run.
// The loop figures are those of the run whose MainHandler p99 is the median;
// timelines (lag samples, and requests of repeat 1) are those of the first.
func Aggregate(reps []*Report) *Report {
	if len(reps) == 1 {
		return reps[0]
	}
	byP99 := append([]*Report(nil), reps...)
	sort.SliceStable(byP99, func(i, j int) bool {
		return byP99[i].Endpoints.Main.Loaded.P99Ms < byP99[j].Endpoints.Main.Loaded.P99Ms
	})
	agg := *byP99[len(byP99)/2] // the median run: mode, config, loop
	// Timelines draw one run: the first, whose requests are marked repeat 1;
	// its heartbeat samples go with them.
	agg.LagSamples = reps[0].LagSamples
	agg.Repeat = &RepeatInfo{N: len(reps), Spread: map[string]Range{}}
	agg.Requests = nil
	agg.Notes = append([]string{fmt.Sprintf("figures are the median of %d runs; spread in repeat.spread", len(reps))}, agg.Notes...)
	agg.ElapsedMs, agg.Partial = 0, false
	for i, r := range reps {
		agg.ElapsedMs += r.ElapsedMs
		agg.Partial = agg.Partial || r.Partial
		if r.Verdict.Starved {
			agg.Repeat.Starved++
		}
		for _, q := range r.Requests {
			q.Repeat = i + 1
			agg.Requests = append(agg.Requests, q)
		}
	}
	for _, row := range agg.Rows() {
		each := make([]Stats, len(reps))
		for i, r := range reps {
			each[i] = *r.Stats(row.Endpoint, row.Phase)
		}
		*row.Stats = agg.medianStats(row.Endpoint+"."+row.Phase, each)
		row.Stats.Histogram = mergeHistograms(each)
	}
	e := &agg.Endpoints
	agg.GeneratorLagP99Ms = agg.spread("generator_lag_p99_ms", collect(reps, func(r *Report) float64 { return r.GeneratorLagP99Ms }))
	agg.Verdict = medianVerdict(reps, e.Main.Baseline.P99Ms, e.Main.Loaded.P99Ms)
	agg.settle()
	agg.Explanation = Explain(&agg)
	return &agg
}

// medianStats sums the counts of ss and takes the median of each latency,
// recording the spread of each under key.
func (r *Report) medianStats(key string, ss []Stats) Stats {
	out := Stats{}
	for _, s := range ss {
		for class, n := range s.ErrorsByClass {
			if out.ErrorsByClass == nil {
				out.ErrorsByClass = map[string]int{}
			}
			out.ErrorsByClass[class] += n
		}
	}
	for _, st := range Statistics {
		vals := make([]float64, len(ss))
		for i, s := range ss {
			vals[i] = st.Of(s)
		}
		if st.Latency() {
			*st.ms(&out) = r.spread(key+"."+st.Member, vals)
			continue
		}
		for _, v := range vals {
			*st.n(&out) += int(v)
		}
	}
	return out
}

// spread records the range of vals under key and returns their median.
func (r *Report) spread(key string, vals []float64) float64 {
	s := append([]float64(nil), vals...)
	sort.Float64s(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	med = RoundMs(med) // counts are whole, latencies in microseconds
	r.Repeat.Spread[key] = Range{Min: s[0], Median: med, Max: s[len(s)-1]}
	return med
}

func collect(reps []*Report, f func(*Report) float64) []float64 {
	out := make([]float64, len(reps))
	for i, r := range reps {
		out[i] = f(r)
	}
	return out
}

// medianVerdict judges the median figures by the rule every run used.
func medianVerdict(reps []*Report, baselineP99, loadedP99 float64) Verdict {
	v := reps[0].Verdict
	v.MainP99BaselineMs, v.MainP99LoadedMs = baselineP99, loadedP99
	v.ExcessMs = excessMs(fromMillis(loadedP99), fromMillis(loadedP99)-fromMillis(baselineP99))
	stalled := collect(reps, func(r *Report) float64 { return float64(r.Verdict.Stalled) })
	probes := collect(reps, func(r *Report) float64 { return float64(r.Verdict.Probes) })
	conclusive := 0
	v.Reason = ""
	for _, r := range reps {
		if r.Verdict.Conclusive {
			conclusive++
		} else if v.Reason == "" {
			v.Reason = InconclusiveReason(r.Verdict) + " (in a run of the repeat)"
		}
	}
	sort.Float64s(stalled)
	sort.Float64s(probes)
	v.Stalled, v.Probes = int(stalled[len(stalled)/2]), int(probes[len(probes)/2])
	v.Conclusive = 2*conclusive > len(reps)
	if v.Conclusive {
		v.Reason = ""
	}
	v.Starved = v.Conclusive && probe.Starved(fromMillis(v.ExcessMs), fromMillis(v.ThresholdMs), v.Stalled, v.Probes)
	v.Summary = VerdictLine(v) + fmt.Sprintf(" [median of %d runs]", len(reps))
	return v
}
