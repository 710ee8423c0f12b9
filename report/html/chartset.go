package html

import (
	"html/template"
	"math"
	"strings"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/chart"
)

// Page and chart sizes of the HTML report, in CSS pixels.
const (
	pageWidth     = 1200 // the content; panels of several runs share it
	panelGap      = 20
	chartHeight   = 230 // plot area of the line charts
	ganttMaxPlot  = 380 // plot area of the request timeline, at most
	ganttMinGroup = 20  // an endpoint's lanes, at least
	// maxCols is how many runs' panels stand side by side, at most; more
	// runs wrap onto further rows, so that a panel is never too narrow.
	maxCols = 4
)

// panelCols is how many panels of runs stand side by side.
func panelCols(runs int) int { return min(max(runs, 1), maxCols) }

// chartSet lays out the charts of several runs on shared axes: one time
// span, one latency scale per chart, one lane height, so that runs side by
// side compare at a glance.
type chartSet struct {
	runs  []*report.Report
	width float64 // of each panel
	span  float64 // ms from the start of the runs

	latTop       float64 // latency by send time: top of the y axis
	pctLo, pctHi float64 // percentiles: the y axis, powers of ten of ms
	pctRight     float64 // percentiles: right end of the x axis, 1/(1-p)
	lagTop       float64 // loop lag: top of the y axis

	complexRows, mainRows int // the Gantt: rows of each endpoint, for the most lanes of any run
	rowH                  float64
}

func newChartSet(runs []*report.Report) *chartSet {
	n := float64(panelCols(len(runs)))
	cs := &chartSet{runs: runs, width: math.Floor((pageWidth - panelGap*(n-1)) / n)}
	lat, lag := 0.0, 0.0
	complexLanes, mainLanes := 0, 0
	lo, hi, right := math.Inf(1), 0.0, 100.0
	for _, r := range runs {
		cs.span = math.Max(cs.span, chart.Span(r))
		limit := chart.StarveLimitMs(r)
		lat = math.Max(lat, limit)
		lag = math.Max(lag, r.Config.StarveThresholdMs)
		for _, q := range chart.ByEndpoint(chart.Requests(r), report.EndpointMain) {
			lat = math.Max(lat, q.LatencyMs)
		}
		for _, s := range r.LagSamples {
			lag = math.Max(lag, s.LagMs)
		}
		for _, s := range chart.Stalls(r) {
			lag = math.Max(lag, s.DurationMs)
		}
		for _, ps := range percentileSeries(r) {
			lo, hi = math.Min(lo, ps.buckets[0].Ms), math.Max(hi, ps.buckets[len(ps.buckets)-1].Ms)
			right = math.Max(right, float64(ps.n))
		}
		c, m := ganttLanes(r)
		complexLanes, mainLanes = max(complexLanes, len(c)), max(mainLanes, len(m))
	}
	cs.latTop, cs.lagTop = niceCeil(lat, 5), niceCeil(lag, 4)
	if hi == 0 {
		lo, hi = 0.1, 1
	}
	cs.pctLo = math.Pow(10, math.Floor(math.Log10(math.Max(lo, 0.001))))
	cs.pctHi = math.Pow(10, math.Ceil(math.Log10(math.Max(hi, cs.pctLo*10))))
	cs.pctRight = math.Pow(10, math.Ceil(math.Log10(right)))
	cs.complexRows, cs.mainRows = ganttRows(complexLanes, mainLanes)
	rows := float64(max(cs.complexRows+cs.mainRows, 1))
	cs.rowH = math.Min(math.Max(ganttMaxPlot/rows, 2), 14)
	return cs
}

// timeScale maps the shared span onto a frame's width.
func (cs *chartSet) timeScale(f frame) scale {
	return scale{d0: 0, d1: math.Max(cs.span, 1), r0: f.x, r1: f.x + f.w}
}

// emptyPanel is a panel with a message instead of a chart.
func (cs *chartSet) emptyPanel(plotH float64, label, msg string) template.HTML {
	f := newFrame(cs.width, plotH)
	s := newSVG(cs.width, f.height(), label)
	s.rect(f.x, f.y, f.w, f.h, "empty", "")
	lines := strings.Split(msg, "\n")
	for i, line := range lines {
		s.text(f.x+f.w/2, f.y+f.h/2+float64(i*18)-float64(len(lines)-1)*9, "middle", "message", line)
	}
	return s.html()
}

// plot is a chart being drawn: its canvas, its plot area and its scales.
type plot struct {
	*svgCanvas
	f    frame
	x, y scale
}

// timePlot starts a chart of r on the shared time axis, x titled xTitle,
// with a y axis of latencies from 0 to top (about n ticks) titled yTitle,
// over the shaded load window; label describes it for screen readers.
func (cs *chartSet) timePlot(r *report.Report, label, xTitle, yTitle string, top float64, n int) plot {
	f := newFrame(cs.width, chartHeight)
	p := plot{svgCanvas: newSVG(cs.width, f.height(), label), f: f, x: cs.timeScale(f), y: scale{d0: 0, d1: top, r0: f.y + f.h, r1: f.y}}
	p.xAxis(f, p.x, timeTicks(cs.span, f.w), xTitle)
	p.yAxis(f, p.y, msTicks(top, n), yTitle)
	shadeLoadWindow(p.svgCanvas, f, p.x, r)
	return p
}

// shadeLoadWindow shades the span in which the load was sent.
func shadeLoadWindow(s *svgCanvas, f frame, x scale, r *report.Report) {
	w := chart.LoadWindow(r)
	a, b := x.at(w.StartMs), x.at(w.EndMs)
	s.rect(a, f.y, b-a, f.h, "window", "load window: "+report.FormatMs(w.StartMs)+" to "+report.FormatMs(w.EndMs))
	markStages(s, f, x, r)
}

// limit draws a level line across the plot at v, labelled.
func (p plot) limit(v float64, label string) {
	ly := p.y.at(v)
	p.line(p.f.x, ly, p.f.x+p.f.w, ly, "limit")
	p.text(p.f.x+6, ly-5, "start", "limit-label", label)
}
