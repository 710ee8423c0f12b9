package report

import (
	"fmt"
	"html/template"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Page and chart sizes of the HTML report, in CSS pixels.
const (
	pageWidth     = 1200 // the content; panels of several runs share it
	panelGap      = 20
	chartHeight   = 230 // plot area of the line charts
	ganttMaxPlot  = 380 // plot area of the request timeline, at most
	ganttMinGroup = 20  // an endpoint's lanes, at least
	maxPoints     = 5000
)

// chartSet lays out the charts of several runs on shared axes: one time
// span, one latency scale per chart, one lane height, so that runs side by
// side compare at a glance.
type chartSet struct {
	runs  []*Report
	width float64 // of each panel
	span  float64 // ms from the start of the runs

	latTop       float64 // latency by send time: top of the y axis
	pctLo, pctHi float64 // percentiles: the y axis, powers of ten of ms
	pctRight     float64 // percentiles: right end of the x axis, 1/(1-p)
	lagTop       float64 // loop lag: top of the y axis

	complexLanes, mainLanes int // the Gantt: most lanes of any run
	rowH                    float64
}

func newChartSet(runs []*Report) *chartSet {
	n := float64(max(len(runs), 1))
	cs := &chartSet{runs: runs, width: math.Floor((pageWidth - panelGap*(n-1)) / n)}
	lat, lag := 0.0, 0.0
	lo, hi, right := math.Inf(1), 0.0, 100.0
	for _, r := range runs {
		cs.span = math.Max(cs.span, spanMs(r))
		limit := starveLimitMs(r)
		lat = math.Max(lat, limit)
		lag = math.Max(lag, r.Config.StarveThresholdMs)
		for _, q := range byEndpoint(timelineRequests(r), "main") {
			lat = math.Max(lat, q.LatencyMs)
		}
		for _, s := range r.LagSamples {
			lag = math.Max(lag, s.LagMs)
		}
		for _, ps := range percentileSeries(r) {
			lo, hi = math.Min(lo, ps.vals[0]), math.Max(hi, ps.vals[len(ps.vals)-1])
			right = math.Max(right, float64(len(ps.vals)))
		}
		c, m := ganttLanes(r)
		cs.complexLanes, cs.mainLanes = max(cs.complexLanes, len(c)), max(cs.mainLanes, len(m))
	}
	cs.latTop, cs.lagTop = niceCeil(lat, 5), niceCeil(lag, 4)
	if hi == 0 {
		lo, hi = 0.1, 1
	}
	cs.pctLo = math.Pow(10, math.Floor(math.Log10(math.Max(lo, 0.001))))
	cs.pctHi = math.Pow(10, math.Ceil(math.Log10(math.Max(hi, cs.pctLo*10))))
	cs.pctRight = math.Pow(10, math.Ceil(math.Log10(right)))
	lanes := float64(max(cs.complexLanes+cs.mainLanes, 1))
	cs.rowH = math.Min(math.Max(ganttMaxPlot/lanes, 2), 14)
	return cs
}

// timeScale maps the shared span onto a frame's width.
func (cs *chartSet) timeScale(f frame) scale {
	return scale{d0: 0, d1: math.Max(cs.span, 1), r0: f.x, r1: f.x + f.w}
}

// shadeLoadWindow shades the span in which the load was sent.
func shadeLoadWindow(s *svgCanvas, f frame, x scale, r *Report) {
	w := loadWindow(r)
	a, b := x.at(w.StartMs), x.at(w.EndMs)
	s.rect(a, f.y, b-a, f.h, "window", "load window: "+FormatMs(w.StartMs)+" to "+FormatMs(w.EndMs))
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

// ganttLanes packs r's requests into lanes, ComplexHandler's and
// MainHandler's apart: each request goes to the first lane of its endpoint
// that is free when it starts. Many MainHandler probes waiting at once
// stack up; probes answered at once share one lane.
func ganttLanes(r *Report) (complexLanes, mainLanes [][]RequestJSON) {
	reqs := timelineRequests(r)
	complexLanes = packLanes(byEndpoint(reqs, "complex"), func(q RequestJSON) (float64, float64) { return q.StartMs, q.EndMs })
	mainLanes = packLanes(byEndpoint(reqs, "main"), func(q RequestJSON) (float64, float64) { return q.ScheduledMs, q.EndMs })
	return complexLanes, mainLanes
}

// requestTitle is the tooltip of one request.
func requestTitle(q RequestJSON) string {
	name := map[string]string{"main": "MainHandler", "complex": "ComplexHandler"}[q.Endpoint]
	if name == "" {
		name = q.Endpoint
	}
	outcome := "status " + strconv.Itoa(q.Status)
	if q.Error != "" {
		outcome = "failed: " + q.Error
		if q.Detail != "" {
			outcome += " (" + q.Detail + ")"
		}
	}
	return fmt.Sprintf("%s, %s\ndue %s, sent %s, ended %s\nlatency %s (from the actual send %s)\n%s",
		name, q.Phase, FormatMs(q.ScheduledMs), FormatMs(q.StartMs), FormatMs(q.EndMs),
		FormatMs(q.LatencyMs), FormatMs(q.UncorrectedMs), outcome)
}

// gantt draws every request of r as a bar on the shared time axis:
// ComplexHandler's from start to end, MainHandler's from the time it was
// due to its answer (its latency), over the shaded load window.
func (cs *chartSet) gantt(r *Report) template.HTML {
	groupH := func(lanes int) float64 { return math.Max(float64(lanes)*cs.rowH, ganttMinGroup) }
	cH, mH := groupH(cs.complexLanes), groupH(cs.mainLanes)
	gap := 10.0
	f := newFrame(cs.width, cH+gap+mH)
	s := newSVG(cs.width, f.height(), "Request timeline of "+r.Name())
	x := cs.timeScale(f)
	s.xAxis(f, x, timeTicks(cs.span, f.w), "time since the start of the run")
	shadeLoadWindow(s, f, x, r)
	complexLanes, mainLanes := ganttLanes(r)
	draw := func(lanes [][]RequestJSON, top, height float64, from func(RequestJSON) float64) {
		if len(lanes) == 0 {
			return
		}
		rowH := math.Min(height/float64(len(lanes)), 14)
		for i, lane := range lanes {
			y := top + float64(i)*rowH + rowH*0.15
			for _, q := range lane {
				a, b := x.at(from(q)), x.at(q.EndMs)
				s.rect(a, y, math.Max(b-a, 1.5), math.Max(rowH*0.7, 1), ganttClass(q), requestTitle(q))
			}
		}
	}
	draw(complexLanes, f.y, cH, func(q RequestJSON) float64 { return q.StartMs })
	s.line(f.x, f.y+cH+gap/2, f.x+f.w, f.y+cH+gap/2, "divider")
	draw(mainLanes, f.y+cH+gap, mH, func(q RequestJSON) float64 { return q.ScheduledMs })
	s.text(f.x-7, f.y+math.Min(cH, 2*ganttMinGroup)/2+4, "end", "group", "Complex")
	s.text(f.x-7, f.y+cH+gap+math.Min(mH, 2*ganttMinGroup)/2+4, "end", "group", "Main")
	return s.html()
}

func ganttClass(q RequestJSON) string {
	switch {
	case q.Error != "":
		return "bar failed"
	case q.Endpoint == "complex":
		return "bar complex"
	case q.Phase == "baseline":
		return "bar main-baseline"
	default:
		return "bar main"
	}
}

// latencyBySendTime plots each MainHandler request's latency against the
// time it was due: idle (baseline) and under load, the failed ones as
// crosses, and the starvation limit. In blocking mode the loaded probes
// form the falling ramp.
func (cs *chartSet) latencyBySendTime(r *Report) template.HTML {
	f := newFrame(cs.width, chartHeight)
	s := newSVG(cs.width, f.height(), "MainHandler latency by send time, "+r.Name())
	x := cs.timeScale(f)
	y := scale{d0: 0, d1: cs.latTop, r0: f.y + f.h, r1: f.y}
	s.xAxis(f, x, timeTicks(cs.span, f.w), "time the request was due")
	s.yAxis(f, y, msTicks(cs.latTop, 5), "latency")
	shadeLoadWindow(s, f, x, r)
	if limit := starveLimitMs(r); limit > 0 {
		ly := y.at(limit)
		s.line(f.x, ly, f.x+f.w, ly, "limit")
		s.text(f.x+6, ly-5, "start", "limit-label", "starved above "+shortMs(limit))
	}
	reqs := thin(byEndpoint(timelineRequests(r), "main"))
	var loaded []point
	for _, q := range reqs {
		if q.Phase != "baseline" && q.Error == "" {
			loaded = append(loaded, point{x.at(q.ScheduledMs), y.at(q.LatencyMs)})
		}
	}
	s.path(loaded, false, "series main", "")
	for _, q := range reqs {
		px, py := x.at(q.ScheduledMs), y.at(q.LatencyMs)
		switch {
		case q.Error != "":
			s.cross(px, py, 3.5, "mark failed", requestTitle(q))
		case q.Phase == "baseline":
			s.circle(px, py, 2.6, "dot main-baseline", requestTitle(q))
		default:
			s.circle(px, py, 2.6, "dot main", requestTitle(q))
		}
	}
	if len(reqs) == 0 {
		s.text(f.x+f.w/2, f.y+f.h/2, "middle", "message", "no MainHandler request recorded")
	}
	return s.html()
}

// thin keeps at most maxPoints requests, evenly spread, so that a long run
// does not make a page too heavy for a browser.
func thin(reqs []RequestJSON) []RequestJSON {
	if len(reqs) <= maxPoints {
		return reqs
	}
	out := make([]RequestJSON, 0, maxPoints)
	for i := range maxPoints {
		out = append(out, reqs[i*len(reqs)/maxPoints])
	}
	return out
}

// pctSeries is the latency distribution of one endpoint in one phase:
// the answered requests' latencies, sorted.
type pctSeries struct {
	name, class string
	vals        []float64
}

// percentileSeries computes r's latency distributions from its requests:
// MainHandler idle, under load and under load uncorrected (from the actual
// send), and ComplexHandler under load. Series without an answered
// request are left out.
func percentileSeries(r *Report) []pctSeries {
	defs := []struct {
		name, class, endpoint, phase string
		uncorrected                  bool
	}{
		{"MainHandler baseline", "main-baseline", "main", "baseline", false},
		{"MainHandler loaded -U", "main-u", "main", "loaded", true}, // under the corrected line
		{"MainHandler loaded", "main", "main", "loaded", false},
		{"ComplexHandler loaded", "complex", "complex", "loaded", false},
	}
	var out []pctSeries
	for _, d := range defs {
		var vals []float64
		for _, q := range timelineRequests(r) {
			if q.Endpoint != d.endpoint || q.Phase != d.phase || q.Error != "" {
				continue
			}
			v := q.LatencyMs
			if d.uncorrected {
				v = q.UncorrectedMs
			}
			vals = append(vals, math.Max(v, 0.001))
		}
		if len(vals) == 0 {
			continue
		}
		sort.Float64s(vals)
		out = append(out, pctSeries{d.name, d.class, vals})
	}
	return out
}

// percentileLabel names a point of the percentile axis, x = 1/(1-p).
func percentileLabel(x float64) string {
	p := 100 * (1 - 1/x)
	return strconv.FormatFloat(p, 'f', -1, 64) + "%"
}

// percentiles draws r's latency distributions HDR-style: x is the
// percentile on a log scale of 1/(1-p), so the tail gets the room; y is the
// latency on a log scale, from microseconds to seconds.
func (cs *chartSet) percentiles(r *Report) template.HTML {
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
		n := float64(len(ps.vals))
		var pts []point
		for i, v := range ps.vals {
			px := x.at(n / (n - float64(i)))
			if i > 0 {
				pts = append(pts, point{px, y.at(ps.vals[i-1])})
			}
			pts = append(pts, point{px, y.at(v)})
		}
		// The highest value holds up to 100%, the right edge.
		pts = append(pts, point{f.x + f.w, y.at(ps.vals[len(ps.vals)-1])})
		s.path(pts, false, "series "+ps.class, ps.name)
		step := max(1, len(ps.vals)/200)
		for i := 0; i < len(ps.vals); i++ {
			if i%step != 0 && i != len(ps.vals)-1 {
				continue
			}
			p := 100 * float64(i+1) / n
			title := fmt.Sprintf("%s: %.4g%% of %d requests took at most %s", ps.name, p, len(ps.vals), FormatMs(ps.vals[i]))
			s.circle(x.at(n/(n-float64(i))), y.at(ps.vals[i]), 2.2, "dot "+ps.class, title)
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
func (cs *chartSet) loopLag(r *Report) template.HTML {
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
	spans := lagSpans(r)
	// One shape per pixel at most: a long run has 100 beats a second.
	perPixel := map[int]lagSpan{}
	for _, sp := range spans {
		px := int(x.at(sp.ran))
		if cur, ok := perPixel[px]; !ok || sp.lag > cur.lag {
			perPixel[px] = sp
		}
	}
	var pixels []int
	for px := range perPixel {
		pixels = append(pixels, px)
	}
	sort.Ints(pixels)
	for _, px := range pixels {
		sp := perPixel[px]
		if y.at(0)-y.at(sp.lag) >= 1 {
			s.path([]point{{x.at(sp.due), y.at(0)}, {x.at(sp.ran), y.at(sp.lag)}, {x.at(sp.ran), y.at(0)}}, true, "stall", "")
		}
	}
	if th := r.Config.StarveThresholdMs; th > 0 {
		ly := y.at(th)
		s.line(f.x, ly, f.x+f.w, ly, "limit")
		s.text(f.x+6, ly-5, "start", "limit-label", "threshold "+shortMs(th))
	}
	for _, px := range pixels {
		sp := perPixel[px]
		s.circle(x.at(sp.ran), y.at(sp.lag), 2.2, "dot lag",
			fmt.Sprintf("heartbeat due at %s ran at %s: %s late", FormatMs(sp.due), FormatMs(sp.ran), FormatMs(sp.lag)))
	}
	return s.html()
}
