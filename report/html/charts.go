package html

import (
	"fmt"
	"html/template"

	"github.com/blockprobe/blockprobe/report"
)

// chartKind is one chart of the page, drawn for every run: what the page
// says of it, how to draw a run's panel, and what to say under it.
type chartKind struct {
	id, title, desc string
	legend          []htmlKey
	draw            func(*chartSet, *report.Report) template.HTML
	caption         func(*report.Report) (string, string)
}

// The keys of the legends that several charts share.
var (
	windowKey = htmlKey{"key-window", "load window"}
	limitKey  = htmlKey{"key-limit", "starvation limit: idle p99 + threshold"}
	failedKey = htmlKey{"key-failed", "failed (timeout, error status, ...)"}
)

// What the page says under each chart's title.
const (
	timelineDesc = "Every request as a bar on one time axis: ComplexHandler from start to end, MainHandler from the time it was due to its answer. " +
		"Requests in flight at once stack up; when MainHandler bars all end together, they were waiting for the same thing. " +
		"Requests closer than a pixel share a bar, whose tooltip names the slowest."
	latencyDesc = "Each MainHandler request's latency, measured from the time it was due, against that time (of requests closer than a pixel, the slowest). " +
		"Behind a blocked loop they form a falling ramp: a request sent t into the block waits for the rest of it."
	percentilesDesc = "Latency at each percentile, read from the HDR histogram of each endpoint and phase (of every run together, for --repeat): " +
		"the x axis spreads the tail (1/(1-p), log scale) and the y axis is logarithmic, so idle microseconds and loaded seconds show on one chart."
	loopDesc = "The embedded target's loop runs a heartbeat every 10ms; each dot is one beat and how late it ran. " +
		"A blocked loop runs no beat until it is free, then one very late beat: the shaded triangle is the time it was stuck."
)

// chartKinds are the charts of the page, in its order.
var chartKinds = []chartKind{
	{"timeline", "Request timeline", timelineDesc, []htmlKey{{"key-complex", "ComplexHandler"},
		{"key-main-baseline", "MainHandler, idle (baseline)"}, {"key-main", "MainHandler, under load"}, failedKey, windowKey},
		(*chartSet).gantt, nil},
	{"latency", "MainHandler latency by send time", latencyDesc, []htmlKey{{"key-dot-main-baseline", "idle (baseline)"},
		{"key-dot-main", "under load"}, {"key-cross", "failed"}, limitKey, windowKey}, (*chartSet).latencyBySendTime, maxLatencyCaption},
	{"percentiles", "Latency distribution by percentile", percentilesDesc, []htmlKey{{"key-line-main-baseline", "MainHandler idle"},
		{"key-line-main", "MainHandler loaded"}, {"key-line-main-u", "MainHandler loaded, from the actual send (-U)"},
		{"key-line-complex", "ComplexHandler loaded"}}, (*chartSet).percentiles, nil},
	{"loop", "Event loop lag", loopDesc, []htmlKey{{"key-dot-lag", "heartbeat"}, {"key-stall", "loop stuck"},
		{"key-limit", "starvation threshold"}, windowKey}, (*chartSet).loopLag, slowestCaption},
}

// htmlCharts draws the charts of every run on shared axes.
func htmlCharts(runs []*report.Report) []htmlChart {
	cs := newChartSet(runs)
	charts := make([]htmlChart, len(chartKinds))
	for i, k := range chartKinds {
		charts[i] = htmlChart{ID: k.id, Title: k.title, Desc: k.desc, Legend: k.legend, Panels: make([]htmlPanel, len(runs))}
		for j, r := range runs {
			p := htmlPanel{Name: r.Name(), SVG: k.draw(cs, r)}
			if k.caption != nil {
				p.Callout, p.Caption = k.caption(r)
			}
			charts[i].Panels[j] = p
		}
	}
	return charts
}

func maxLatencyCaption(r *report.Report) (string, string) {
	s := r.Endpoints.Main.Loaded
	if !s.HasLatencies() {
		return "No MainHandler probe under load was answered.", ""
	}
	return "Longest wait " + report.FormatMs(s.MaxMs) + ".", fmt.Sprintf("Under load p50 %s, p99 %s; idle p99 %s.",
		report.FormatMs(s.P50Ms), report.FormatMs(s.P99Ms), report.FormatMs(r.Endpoints.Main.Baseline.P99Ms))
}

func slowestCaption(r *report.Report) (string, string) {
	l := r.Loop
	if l == nil {
		return "", ""
	}
	if l.FromAgent() {
		if !l.Answered() {
			return "", ""
		}
		return "Slowest stall " + report.SlowestCallback(l, false) + ".", fmt.Sprintf("Lag p99 %s, max %s; %d stalls over %s; loop stalled %.0f%% of the run.",
			report.FormatMs(l.LagP99Ms), report.FormatMs(l.LagMaxMs), l.StallsOver, report.ShortMs(l.ThresholdMs), 100*l.BusyFraction)
	}
	return "Slowest callback " + report.SlowestCallback(l, false) + ".", fmt.Sprintf("Lag p99 %s, max %s; loop busy %.0f%% of the run; longest queue %d.",
		report.FormatMs(l.LagP99Ms), report.FormatMs(l.LagMaxMs), 100*l.BusyFraction, l.LongestQueue)
}
