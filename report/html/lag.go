package html

import (
	"fmt"
	"html/template"

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
		return cs.emptyPanel(chartHeight, "Loop lag of "+r.Name(), "no loop figures:\nan external target is not instrumented")
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
