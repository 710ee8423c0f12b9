package html

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/blockprobe/blockprobe/report"
)

// chartKind is one chart of the page, drawn for every run: what the page
// says of it, how to draw a run's panel, and what to say under it.
type chartKind struct {
	id, title, desc string
	legend          []htmlKey
	draw            func(*chartSet, *report.Report) template.HTML
	caption         func(*report.Report) (string, string)
	// about, when set, gives the title, description and legend from the
	// runs drawn, for a chart whose panels draw what each run measured.
	about func([]*report.Report) (title, desc string, legend []htmlKey)
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
	heartbeatDesc = "The embedded target's loop runs a heartbeat every %dms; each dot is one beat and how late it ran. " +
		"A blocked loop runs no beat until it is free, then one very late beat: the shaded triangle is the time it was stuck."
	stallsDesc = "A loop agent in the server times each stall, a time its loop was held past the agent's threshold (its lag comes as a histogram, not beat by beat). " +
		"Each shaded span is one stall, from its start to its end and as high as it lasted; the longest are numbered and named by the handler and line that held the loop, as in the table of stalls under Figures."
	noLoopDesc   = "No run has loop figures: blockprobe reads them from its embedded target, or from a loop agent run inside a real server (agents/README.md)."
	measuredDesc = "Under each chart: what measured that loop."
)

// chartKinds are the charts of the page, in its order.
var chartKinds = []chartKind{
	{"timeline", "Request timeline", timelineDesc, []htmlKey{{"key-complex", "ComplexHandler"},
		{"key-main-baseline", "MainHandler, idle (baseline)"}, {"key-main", "MainHandler, under load"}, failedKey, windowKey},
		(*chartSet).gantt, nil, nil},
	{"latency", "MainHandler latency by send time", latencyDesc, []htmlKey{{"key-dot-main-baseline", "idle (baseline)"},
		{"key-dot-main", "under load"}, {"key-cross", "failed"}, limitKey, windowKey}, (*chartSet).latencyBySendTime, maxLatencyCaption, nil},
	{"percentiles", "Latency distribution by percentile", percentilesDesc, []htmlKey{{"key-line-main-baseline", "MainHandler idle"},
		{"key-line-main", "MainHandler loaded"}, {"key-line-main-u", "MainHandler loaded, from the actual send (-U)"},
		{"key-line-complex", "ComplexHandler loaded"}}, (*chartSet).percentiles, nil, nil},
	{id: "loop", draw: (*chartSet).loopLag, caption: slowestCaption, about: loopAbout},
}

// loopAbout names the loop chart after what its panels draw: the embedded
// target's heartbeats, an agent's stalls, or both side by side.
func loopAbout(runs []*report.Report) (title, desc string, legend []htmlKey) {
	var beats, stalls bool
	for _, r := range runs {
		switch {
		case r.Loop == nil:
		case drawsStalls(r):
			stalls = true
		default:
			beats = true
		}
	}
	var descs []string
	title = "Event loop lag"
	if beats {
		descs = append(descs, fmt.Sprintf(heartbeatDesc, report.HeartbeatEveryMs))
		legend = append(legend, htmlKey{"key-dot-lag", "heartbeat"}, htmlKey{"key-stall", "loop stuck"})
	}
	if stalls {
		title = "Event loop stalls"
		descs = append(descs, stallsDesc)
		legend = append(legend, htmlKey{"key-stall", "stall: the loop held past the agent's threshold"})
	}
	switch {
	case beats && stalls:
		title = "Event loop lag and stalls"
		descs = append(descs, measuredDesc)
	case !beats && !stalls:
		descs = append(descs, noLoopDesc)
	}
	legend = append(legend, htmlKey{"key-limit", "starvation threshold"}, windowKey)
	return title, strings.Join(descs, " "), legend
}

// htmlCharts draws the charts of every run on shared axes.
func htmlCharts(runs []*report.Report) []htmlChart {
	cs := newChartSet(runs)
	charts := make([]htmlChart, len(chartKinds))
	for i, k := range chartKinds {
		charts[i] = htmlChart{ID: k.id, Title: k.title, Desc: k.desc, Legend: k.legend, Panels: make([]htmlPanel, len(runs))}
		if k.about != nil {
			charts[i].Title, charts[i].Desc, charts[i].Legend = k.about(runs)
		}
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

// slowestCaption names the loop's culprit, what measured the loop, and
// its figures; a lag that nothing measured is left out, not shown as 0.
func slowestCaption(r *report.Report) (string, string) {
	l := r.Loop
	switch {
	case l == nil:
		return "", ""
	case !l.Answered():
		return "", sentence(strings.TrimPrefix(report.LoopLine(l), "Loop: "))
	}
	figures := []string{"measured by " + report.MeasuredBy(l)}
	if lag := report.LagPhrase(l); lag != "" {
		figures = append(figures, lag)
	}
	if l.FromAgent() {
		figures = append(figures, fmt.Sprintf("%d stalls over %s; loop stalled %.0f%% of the run", l.StallsOver, report.ShortMs(l.ThresholdMs), 100*l.BusyFraction))
		return "Slowest stall " + report.SlowestCallback(l, false) + ".", sentence(strings.Join(figures, "; "))
	}
	figures = append(figures, fmt.Sprintf("loop busy %.0f%% of the run; longest queue %d", 100*l.BusyFraction, l.LongestQueue))
	return "Slowest callback " + report.SlowestCallback(l, false) + ".", sentence(strings.Join(figures, "; "))
}

// sentence makes a phrase a sentence: its first letter upper case, a full
// stop at its end.
func sentence(s string) string {
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:] + "."
}
