// Package chart is what every chart of a run shares, in the terminal and in
// HTML alike: which requests it draws, the span of time and the load window
// it covers, lanes of requests that do not overlap, the loop's heartbeats
// as spans of lateness, the starvation limit, and round ticks.
package chart

import (
	"math"
	"sort"

	"github.com/blockprobe/blockprobe/report"
)

// Requests are the requests a chart draws. A --repeat report
// holds the requests of every run, each timed from its own run's start, so
// only the first run's are drawn.
func Requests(r *report.Report) []report.Request {
	out := make([]report.Request, 0, len(r.Requests))
	for _, q := range r.Requests {
		if q.Repeat <= 1 {
			out = append(out, q)
		}
	}
	return out
}

// ByEndpoint returns the requests of one endpoint ("main" or "complex"),
// in the order they were due.
func ByEndpoint(reqs []report.Request, endpoint string) []report.Request {
	var out []report.Request
	for _, q := range reqs {
		if q.Endpoint == endpoint {
			out = append(out, q)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ScheduledMs < out[j].ScheduledMs })
	return out
}

// Span is how long r's timeline lasts, from the start of the run: until
// the last request ended, the load window closed or the loop's last
// heartbeat ran, whichever came last.
func Span(r *report.Report) float64 {
	end := LoadWindow(r).EndMs
	for _, q := range Requests(r) {
		end = math.Max(end, q.EndMs)
	}
	for _, s := range r.LagSamples {
		end = math.Max(end, s.AtMs)
	}
	for _, s := range Stalls(r) {
		end = math.Max(end, s.StartMs+s.DurationMs)
	}
	return end
}

// Stalls are the times r's loop was held past its threshold, as the
// embedded target or a loop agent saw them, in the order they began; nil
// without loop figures.
func Stalls(r *report.Report) []report.Stall {
	if r.Loop == nil {
		return nil
	}
	return r.Loop.Stalls
}

// LabelledStalls are the stalls a chart names, by number from 1: the
// longest, as many as the report lists in words.
func LabelledStalls(r *report.Report) []report.Stall {
	return report.LongestStalls(Stalls(r), report.MaxStallLines)
}

// LoadWindow is the span in which load was sent. The report's window is
// the one planned; a run interrupted (Ctrl-C on --duration 1000h) sent
// load until it stopped, and a timeline draws what happened.
func LoadWindow(r *report.Report) report.Window {
	w := r.LoadWindow
	if r.ElapsedMs > 0 && w.EndMs > r.ElapsedMs {
		w.EndMs = r.ElapsedMs
	}
	w.StartMs = min(w.StartMs, w.EndMs)
	return w
}

// NiceStep is the step of 1, 2 or 5 times a power of ten nearest above
// raw, so that ticks fall on round values.
func NiceStep(raw float64) float64 {
	if raw <= 0 || math.IsNaN(raw) || math.IsInf(raw, 0) {
		return 1
	}
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*pow*1.0000001 {
			return m * pow
		}
	}
	return 10 * pow
}

// Ticks returns the multiples of step from 0 up to max.
func Ticks(max, step float64) []float64 {
	var out []float64
	for i := 0; ; i++ {
		v := float64(i) * step
		if v > max*1.0000001 {
			return out
		}
		out = append(out, v)
	}
}

// TickLabel renders a tick value in milliseconds: "0", "500ms", "1.5s".
func TickLabel(ms float64) string {
	if ms == 0 {
		return "0"
	}
	return report.ShortMs(ms)
}

// LagSpan is one heartbeat as the span during which the loop was late: a
// beat due at Due that ran at Ran means the loop could run nothing between
// the two.
type LagSpan struct{ Due, Ran, Lag float64 }

// LagSpans returns r's heartbeats as spans, in time order.
func LagSpans(r *report.Report) []LagSpan {
	out := make([]LagSpan, 0, len(r.LagSamples))
	for _, s := range r.LagSamples {
		out = append(out, LagSpan{Due: s.AtMs - s.LagMs, Ran: s.AtMs, Lag: s.LagMs})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Ran < out[j].Ran })
	return out
}

// PackLanes assigns intervals to lanes, each to the first lane whose last
// interval ended before it starts.
func PackLanes[T any](items []T, span func(T) (float64, float64)) [][]T {
	var lanes [][]T
	var ends []float64
	for _, it := range items {
		start, end := span(it)
		placed := false
		for i := range lanes {
			if ends[i] <= start {
				lanes[i], ends[i], placed = append(lanes[i], it), end, true
				break
			}
		}
		if !placed {
			lanes, ends = append(lanes, []T{it}), append(ends, end)
		}
	}
	return lanes
}

// StarveLimitMs is the MainHandler latency above which a run is starved:
// the idle p99 plus the threshold; 0 when unknown.
func StarveLimitMs(r *report.Report) float64 {
	th := r.Verdict.ThresholdMs
	if th == 0 {
		th = r.Config.StarveThresholdMs
	}
	if th <= 0 {
		return 0
	}
	return r.Verdict.MainP99BaselineMs + th
}
