package html

import (
	"fmt"
	"html/template"
	"math"
	"sort"
	"strconv"
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

// shadeLoadWindow shades the span in which the load was sent.
func shadeLoadWindow(s *svgCanvas, f frame, x scale, r *report.Report) {
	w := chart.LoadWindow(r)
	a, b := x.at(w.StartMs), x.at(w.EndMs)
	s.rect(a, f.y, b-a, f.h, "window", "load window: "+report.FormatMs(w.StartMs)+" to "+report.FormatMs(w.EndMs))
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

// latencyBySendTime plots each MainHandler request's latency against the
// time it was due: idle (baseline) and under load, the failed ones as
// crosses, and the starvation limit. In blocking mode the loaded probes
// form the falling ramp.
func (cs *chartSet) latencyBySendTime(r *report.Report) template.HTML {
	f := newFrame(cs.width, chartHeight)
	s := newSVG(cs.width, f.height(), "MainHandler latency by send time, "+r.Name())
	x := cs.timeScale(f)
	y := scale{d0: 0, d1: cs.latTop, r0: f.y + f.h, r1: f.y}
	s.xAxis(f, x, timeTicks(cs.span, f.w), "time the request was due")
	s.yAxis(f, y, msTicks(cs.latTop, 5), "latency")
	shadeLoadWindow(s, f, x, r)
	if limit := chart.StarveLimitMs(r); limit > 0 {
		ly := y.at(limit)
		s.line(f.x, ly, f.x+f.w, ly, "limit")
		s.text(f.x+6, ly-5, "start", "limit-label", "starved above "+report.ShortMs(limit))
	}
	reqs := chart.ByEndpoint(chart.Requests(r), report.EndpointMain)
	// Per column, the slowest request of each kind: the worst stays in sight.
	kinds := map[string][]report.Request{}
	for _, q := range reqs {
		kinds[latencyMark(q)] = append(kinds[latencyMark(q)], q)
	}
	px := func(q report.Request) float64 { return x.at(q.ScheduledMs) }
	slower := func(a, b report.Request) bool { return a.LatencyMs > b.LatencyMs }
	var loaded []point
	for _, q := range worstPerColumn(kinds["dot main"], columnPx, px, slower) {
		loaded = append(loaded, point{x.at(q.ScheduledMs), y.at(q.LatencyMs)})
	}
	s.path(loaded, false, "series main", "")
	for _, kind := range []string{"dot main-baseline", "dot main", "mark failed"} {
		for _, q := range worstPerColumn(kinds[kind], columnPx, px, slower) {
			px, py := x.at(q.ScheduledMs), y.at(q.LatencyMs)
			if kind == "mark failed" {
				s.cross(px, py, 3.5, kind, requestTitle(q))
			} else {
				s.circle(px, py, 2.6, kind, requestTitle(q))
			}
		}
	}
	if len(reqs) == 0 {
		s.text(f.x+f.w/2, f.y+f.h/2, "middle", "message", "no MainHandler request recorded")
	}
	return s.html()
}

// latencyMark is how a MainHandler request is marked on the latency chart.
func latencyMark(q report.Request) string {
	if kind := requestKind(q); kind != "failed" {
		return "dot " + kind
	}
	return "mark failed"
}

// pctSeries is the latency distribution of one endpoint in one phase: how
// many requests were answered, and their latencies, fastest first.
type pctSeries struct {
	name, class string
	n           int64
	buckets     []report.Bucket
}

// percentileSeries reads r's latency distributions from the histograms of
// its statistics, whatever --max-records kept of its requests: MainHandler
// idle, under load and under load from the actual send, and ComplexHandler
// under load. A report written before histograms were kept draws them from
// the requests it holds. Series without an answered request are left out.
func percentileSeries(r *report.Report) []pctSeries {
	defs := []struct{ name, class, endpoint, phase string }{
		{"MainHandler baseline", "main-baseline", report.EndpointMain, report.PhaseBaseline},
		{"MainHandler loaded -U", "main-u", report.EndpointMain, report.PhaseLoadedUncorrected}, // under the corrected line
		{"MainHandler loaded", "main", report.EndpointMain, report.PhaseLoaded},
		{"ComplexHandler loaded", "complex", report.EndpointComplex, report.PhaseLoaded},
	}
	var out []pctSeries
	for _, d := range defs {
		buckets := r.Stats(d.endpoint, d.phase).Distribution()
		if buckets == nil {
			buckets = requestBuckets(r, d.endpoint, d.phase)
		}
		ps := pctSeries{name: d.name, class: d.class, buckets: buckets}
		for _, b := range buckets {
			ps.n += b.Count
		}
		if ps.n > 0 {
			out = append(out, ps)
		}
	}
	return out
}

// requestBuckets is the distribution of the latencies of r's requests of
// endpoint in phase that got an answer (loaded_uncorrected: the loaded ones,
// from the actual send), for a report without histograms.
func requestBuckets(r *report.Report, endpoint, phase string) []report.Bucket {
	uncorrected := phase == report.PhaseLoadedUncorrected
	if uncorrected {
		phase = report.PhaseLoaded
	}
	var vals []float64
	for _, q := range chart.Requests(r) {
		if q.Endpoint != endpoint || q.Phase != phase || q.Error != "" {
			continue
		}
		v := q.LatencyMs
		if uncorrected {
			v = q.UncorrectedMs
		}
		vals = append(vals, math.Max(v, 0.001))
	}
	sort.Float64s(vals)
	var out []report.Bucket
	for _, v := range vals {
		if n := len(out); n > 0 && out[n-1].Ms == v {
			out[n-1].Count++
			continue
		}
		out = append(out, report.Bucket{Ms: v, Count: 1})
	}
	return out
}

// percentileLabel names a point of the percentile axis, x = 1/(1-p).
func percentileLabel(x float64) string {
	p := 100 * (1 - 1/x)
	return strconv.FormatFloat(math.Round(p*1e6)/1e6, 'f', -1, 64) + "%"
}

// pctDot is the last request of a bucket of a distribution: its index
// among the requests, fastest first, and its latency.
type pctDot struct{ i, ms float64 }

// percentiles draws r's latency distributions HDR-style: x is the
// percentile on a log scale of 1/(1-p), so the tail gets the room; y is the
// latency on a log scale, from microseconds to seconds.
func (cs *chartSet) percentiles(r *report.Report) template.HTML {
	f := newFrame(cs.width, chartHeight)
	s := newSVG(cs.width, f.height(), "Latency percentiles of "+r.Name())
	x := scale{d0: 1, d1: cs.pctRight, r0: f.x, r1: f.x + f.w, log: true}
	y := scale{d0: cs.pctLo, d1: cs.pctHi, r0: f.y + f.h, r1: f.y, log: true}
	var xt []tick
	for v := 1.0; v <= cs.pctRight; v *= 10 {
		xt = append(xt, tick{v, percentileLabel(v)})
		if v == 1 && cs.pctRight >= 100 {
			xt = append(xt, tick{2, "50%"})
		}
	}
	var yt []tick
	for v := cs.pctLo; v <= cs.pctHi*1.0001; v *= 10 {
		yt = append(yt, tick{v, decadeLabel(v)})
	}
	s.xAxis(f, x, xt, "percentile (log scale of 1/(1-p))")
	s.yAxis(f, y, yt, "latency (log scale)")
	series := percentileSeries(r)
	for _, ps := range series {
		n := float64(ps.n)
		// The i-th fastest request stands at x = 1/(1-i/n): a bucket is a
		// step up where its first request stands, flat to its last.
		at := func(i float64) float64 { return x.at(n / (n - i)) }
		var pts []point
		var ends []pctDot
		faster := 0.0
		for j, b := range ps.buckets {
			if j > 0 {
				pts = append(pts, point{at(faster), y.at(ps.buckets[j-1].Ms)})
			}
			pts = append(pts, point{at(faster), y.at(b.Ms)})
			faster += float64(b.Count)
			ends = append(ends, pctDot{faster - 1, b.Ms})
		}
		// The highest value holds up to 100%, the right edge.
		pts = append(pts, point{f.x + f.w, y.at(ps.buckets[len(ps.buckets)-1].Ms)})
		s.path(simplify(pts), false, "series "+ps.class, ps.name)
		dotX := func(d pctDot) float64 { return at(d.i) }
		for _, d := range worstPerColumn(ends, lineDotPx, dotX, func(a, b pctDot) bool { return a.i > b.i }) {
			title := fmt.Sprintf("%s: %.4g%% of %d requests took at most %s", ps.name, 100*(d.i+1)/n, ps.n, report.FormatMs(d.ms))
			s.circle(at(d.i), y.at(d.ms), 2.2, "dot "+ps.class, title)
		}
	}
	if len(series) == 0 {
		s.text(f.x+f.w/2, f.y+f.h/2, "middle", "message", "no answered request recorded")
	}
	return s.html()
}

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
	f := newFrame(cs.width, chartHeight)
	s := newSVG(cs.width, f.height(), "Event loop lag over time, "+r.Name())
	x := cs.timeScale(f)
	y := scale{d0: 0, d1: cs.lagTop, r0: f.y + f.h, r1: f.y}
	s.xAxis(f, x, timeTicks(cs.span, f.w), "time since the start of the run")
	s.yAxis(f, y, msTicks(cs.lagTop, 4), "heartbeat lag")
	shadeLoadWindow(s, f, x, r)
	// A long run has 100 beats a second: per column, the latest.
	spans := worstPerColumn(chart.LagSpans(r), columnPx, func(sp chart.LagSpan) float64 { return x.at(sp.Ran) },
		func(a, b chart.LagSpan) bool { return a.Lag > b.Lag })
	for _, sp := range spans {
		if y.at(0)-y.at(sp.Lag) >= 1 {
			s.path([]point{{x.at(sp.Due), y.at(0)}, {x.at(sp.Ran), y.at(sp.Lag)}, {x.at(sp.Ran), y.at(0)}}, true, "stall", "")
		}
	}
	if th := r.Config.StarveThresholdMs; th > 0 {
		ly := y.at(th)
		s.line(f.x, ly, f.x+f.w, ly, "limit")
		s.text(f.x+6, ly-5, "start", "limit-label", "threshold "+report.ShortMs(th))
	}
	for _, sp := range spans {
		s.circle(x.at(sp.Ran), y.at(sp.Lag), 2.2, "dot lag",
			fmt.Sprintf("heartbeat due at %s ran at %s: %s late", report.FormatMs(sp.Due), report.FormatMs(sp.Ran), report.FormatMs(sp.Lag)))
	}
	return s.html()
}
