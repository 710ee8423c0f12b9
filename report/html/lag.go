package html

import (
	"fmt"
	"html/template"
	"math"
	"strings"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/chart"
)

// loopLag draws the loop's heartbeats over time: each as a dot where it ran
// and how late, and the span during which the loop could not run it as a
// shaded triangle (a blocked loop reports one late beat when it is free
// again; the triangle shows how long it had been stuck).
func (cs *chartSet) loopLag(r *report.Report) template.HTML {
	switch {
	case r.Loop == nil:
		return cs.emptyPanel(chartHeight, "Loop lag of "+r.Name(), "no loop figures: no loop agent answered\n(run the server under one: agents/README.md)")
	case drawsStalls(r):
		return cs.loopStalls(r)
	case len(r.LagSamples) == 0:
		return cs.emptyPanel(chartHeight, "Loop lag of "+r.Name(), "no heartbeats were recorded\nin this report")
	}
	p := cs.timePlot(r, "Event loop lag over time, "+r.Name(), "time since the start of the run", "heartbeat lag", cs.lagTop, 4)
	x, y := p.x, p.y
	// A long run has 100 beats a second: per column, the latest.
	spans := worstPerColumn(chart.LagSpans(r), columnPx, func(sp chart.LagSpan) float64 { return x.at(sp.Ran) },
		func(a, b chart.LagSpan) bool { return a.Lag > b.Lag })
	for _, sp := range spans {
		if y.at(0)-y.at(sp.Lag) >= 1 {
			p.path([]point{{x.at(sp.Due), y.at(0)}, {x.at(sp.Ran), y.at(sp.Lag)}, {x.at(sp.Ran), y.at(0)}}, true, "stall", "")
		}
	}
	if th := r.Config.StarveThresholdMs; th > 0 {
		p.limit(th, "threshold "+report.ShortMs(th))
	}
	for _, sp := range spans {
		p.circle(x.at(sp.Ran), y.at(sp.Lag), 2.2, "dot lag",
			fmt.Sprintf("heartbeat due at %s ran at %s: %s late", report.FormatMs(sp.Due), report.FormatMs(sp.Ran), report.FormatMs(sp.Lag)))
	}
	return p.html()
}

// drawsStalls says whether the loop chart of r draws its stalls rather
// than heartbeats: those of a loop agent, which sends no heartbeats, or of
// a report that kept its stalls and no heartbeats.
func drawsStalls(r *report.Report) bool {
	return r.Loop != nil && (r.Loop.FromAgent() || len(r.LagSamples) == 0 && len(chart.Stalls(r)) > 0)
}

// loopStalls draws the times the loop was held past its threshold, as a
// loop agent saw them (it gives no heartbeats, only stalls): each as a
// shaded span from its start to its end, as high as it was long, on the
// probes' time axis, the longest numbered and named by handler and line.
func (cs *chartSet) loopStalls(r *report.Report) template.HTML {
	l := r.Loop
	if len(l.Stalls) == 0 {
		msg := "the loop agent saw no stall over " + report.ShortMs(l.ThresholdMs)
		if !l.Answered() {
			msg = "the loop agent never answered"
		}
		return cs.emptyPanel(chartHeight, "Loop stalls of "+r.Name(), msg)
	}
	p := cs.timePlot(r, "Event loop stalls over time, "+r.Name(), "time since the start of the run", "stall", cs.lagTop, 4)
	x, y := p.x, p.y
	for _, s := range l.Stalls {
		a, b := x.at(s.StartMs), x.at(s.StartMs+s.DurationMs)
		top := y.at(s.DurationMs)
		p.rect(a, top, math.Max(b-a, 1), y.at(0)-top, "stall", report.StallLine(s))
	}
	if th := r.Config.StarveThresholdMs; th > 0 {
		p.limit(th, "threshold "+report.ShortMs(th))
	}
	for i, s := range chart.LabelledStalls(r) {
		label := fmt.Sprintf("%d", i+1)
		if who := stallLabel(s); who != "" {
			label += " " + who
		}
		// Beside the stall's start, just above its top, inside the plot.
		ly := math.Max(y.at(s.DurationMs)-4, p.f.y+12)
		p.text(x.at(s.StartMs)+3, ly, "start", "stall-label", label)
	}
	return p.html()
}

// stallLabel names a stall briefly for a chart: "BlockingComplexHandler.get
// server.py:75".
func stallLabel(s report.Stall) string {
	return strings.TrimSpace(report.StallWho(s) + " " + report.StallPlace(s, true))
}
