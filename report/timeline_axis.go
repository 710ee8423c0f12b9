package report

import (
	"math"
	"sort"
)

// The time axis shared by the terminal timeline and the HTML charts.

// timelineRequests are the requests a timeline draws. A --repeat report
// holds the requests of every run, each timed from its own run's start, so
// only the first run's are drawn.
func timelineRequests(r *Report) []Request {
	out := make([]Request, 0, len(r.Requests))
	for _, q := range r.Requests {
		if q.Repeat <= 1 {
			out = append(out, q)
		}
	}
	return out
}

// byEndpoint returns the requests of one endpoint ("main" or "complex"),
// in the order they were due.
func byEndpoint(reqs []Request, endpoint string) []Request {
	var out []Request
	for _, q := range reqs {
		if q.Endpoint == endpoint {
			out = append(out, q)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ScheduledMs < out[j].ScheduledMs })
	return out
}

// spanMs is how long r's timeline lasts, from the start of the run: until
// the last request ended, the load window closed or the loop's last
// heartbeat ran, whichever came last.
func spanMs(r *Report) float64 {
	end := loadWindow(r).EndMs
	for _, q := range timelineRequests(r) {
		end = math.Max(end, q.EndMs)
	}
	for _, s := range r.LagSamples {
		end = math.Max(end, s.AtMs)
	}
	return end
}

// loadWindow is the span in which load was sent. The report's window is
// the one planned; a run interrupted (Ctrl-C on --duration 1000h) sent
// load until it stopped, and a timeline draws what happened.
func loadWindow(r *Report) Window {
	w := r.LoadWindow
	if r.ElapsedMs > 0 && w.EndMs > r.ElapsedMs {
		w.EndMs = r.ElapsedMs
	}
	w.StartMs = min(w.StartMs, w.EndMs)
	return w
}

// niceStep is the step of 1, 2 or 5 times a power of ten nearest above
// raw, so that ticks fall on round values.
func niceStep(raw float64) float64 {
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

// ticks returns the multiples of step from 0 up to max.
func ticks(max, step float64) []float64 {
	var out []float64
	for i := 0; ; i++ {
		v := float64(i) * step
		if v > max*1.0000001 {
			return out
		}
		out = append(out, v)
	}
}

// tickLabel renders a tick value in milliseconds: "0", "500ms", "1.5s".
func tickLabel(ms float64) string {
	if ms == 0 {
		return "0"
	}
	return ShortMs(ms)
}

// lagSpan is one heartbeat as the span during which the loop was late: a
// beat due at due that ran at ran means the loop could run nothing between
// the two.
type lagSpan struct{ due, ran, lag float64 }

// lagSpans returns r's heartbeats as spans, in time order.
func lagSpans(r *Report) []lagSpan {
	out := make([]lagSpan, 0, len(r.LagSamples))
	for _, s := range r.LagSamples {
		out = append(out, lagSpan{due: s.AtMs - s.LagMs, ran: s.AtMs, lag: s.LagMs})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ran < out[j].ran })
	return out
}
