package html

import (
	"fmt"
	"html/template"
	"math"
	"sort"
	"strconv"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/chart"
)

// ganttMaxRows is how many rows of bars the request timeline has at most,
// both endpoints together: one every two pixels of its plot.
const ganttMaxRows = ganttMaxPlot / 2

// ganttLanes packs r's requests into lanes, ComplexHandler's and
// MainHandler's apart: each request goes to the first lane of its endpoint
// that is free when it starts. Many MainHandler probes waiting at once
// stack up; probes answered at once share one lane.
func ganttLanes(r *report.Report) (complexLanes, mainLanes [][]report.Request) {
	reqs := chart.Requests(r)
	complexLanes = chart.PackLanes(chart.ByEndpoint(reqs, report.EndpointComplex), func(q report.Request) (float64, float64) { return q.StartMs, q.EndMs })
	mainLanes = chart.PackLanes(chart.ByEndpoint(reqs, report.EndpointMain), func(q report.Request) (float64, float64) { return q.ScheduledMs, q.EndMs })
	return complexLanes, mainLanes
}

// ganttRows is how many rows each endpoint's lanes are drawn in: one row a
// lane, unless together they have more than ganttMaxRows.
func ganttRows(complexLanes, mainLanes int) (int, int) {
	total := complexLanes + mainLanes
	if total <= ganttMaxRows {
		return complexLanes, mainLanes
	}
	c := min(max(complexLanes*ganttMaxRows/total, min(complexLanes, 1)), ganttMaxRows-min(mainLanes, 1))
	return c, ganttMaxRows - c
}

// foldLanes draws lanes in rows: lane i in row i*rows/len(lanes).
func foldLanes(lanes [][]report.Request, rows int) [][]report.Request {
	if len(lanes) <= rows {
		return lanes
	}
	out := make([][]report.Request, rows)
	for i, lane := range lanes {
		row := i * rows / len(lanes)
		out[row] = append(out[row], lane...)
	}
	return out
}

// requestTitle is the tooltip of one request.
func requestTitle(q report.Request) string {
	name := report.HandlerNames[q.Endpoint]
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
		name, q.Phase, report.FormatMs(q.ScheduledMs), report.FormatMs(q.StartMs), report.FormatMs(q.EndMs),
		report.FormatMs(q.LatencyMs), report.FormatMs(q.UncorrectedMs), outcome)
}

// ganttBar is one bar of the request timeline: a request, or the requests
// of one row and kind that lie within a pixel of each other, which no
// screen tells apart. Its tooltip names the slowest.
type ganttBar struct {
	a, b  float64 // pixels
	class string
	n     int
	worst report.Request
}

func (g ganttBar) title() string {
	if g.n == 1 {
		return requestTitle(g.worst)
	}
	return fmt.Sprintf("%d requests, one bar at this scale; the slowest:\n%s", g.n, requestTitle(g.worst))
}

// ganttBars merges the requests of one row into bars, the failed ones
// apart so that they stay visible; from is where a request's bar starts.
func ganttBars(row []report.Request, x scale, from func(report.Request) float64) []ganttBar {
	sorted := append([]report.Request(nil), row...)
	sort.SliceStable(sorted, func(i, j int) bool { return from(sorted[i]) < from(sorted[j]) })
	var out []ganttBar
	open := map[string]*ganttBar{}
	for _, q := range sorted {
		class := ganttClass(q)
		a, b := x.at(from(q)), x.at(q.EndMs)
		b = math.Max(b, a+1.5) // a bar is visible however short
		if g := open[class]; g != nil && a <= g.b+1 {
			g.b, g.n = math.Max(g.b, b), g.n+1
			if q.LatencyMs > g.worst.LatencyMs {
				g.worst = q
			}
			continue
		}
		if g := open[class]; g != nil {
			out = append(out, *g)
		}
		open[class] = &ganttBar{a: a, b: b, class: class, n: 1, worst: q}
	}
	for _, g := range open {
		out = append(out, *g)
	}
	// Failed bars last, drawn over the others.
	sort.SliceStable(out, func(i, j int) bool {
		fi, fj := out[i].class == "bar failed", out[j].class == "bar failed"
		return !fi && fj || fi == fj && out[i].a < out[j].a
	})
	return out
}

func ganttClass(q report.Request) string { return "bar " + requestKind(q) }

// requestKind is how the charts tell a request apart, and its style:
// failed, complex, main-baseline or main.
func requestKind(q report.Request) string {
	switch {
	case q.Error != "":
		return "failed"
	case q.Endpoint == report.EndpointComplex:
		return "complex"
	case q.Phase == report.PhaseBaseline:
		return "main-baseline"
	default:
		return "main"
	}
}

// gantt draws the requests of r as bars on the shared time axis:
// ComplexHandler's from start to end, MainHandler's from the time it was
// due to its answer (its latency), over the shaded load window.
func (cs *chartSet) gantt(r *report.Report) template.HTML {
	groupH := func(rows int) float64 { return math.Max(float64(rows)*cs.rowH, ganttMinGroup) }
	cH, mH := groupH(cs.complexRows), groupH(cs.mainRows)
	gap := 10.0
	f := newFrame(cs.width, cH+gap+mH)
	s := newSVG(cs.width, f.height(), "Request timeline of "+r.Name())
	x := cs.timeScale(f)
	s.xAxis(f, x, timeTicks(cs.span, f.w), "time since the start of the run")
	shadeLoadWindow(s, f, x, r)
	complexLanes, mainLanes := ganttLanes(r)
	draw := func(lanes [][]report.Request, rows int, top, height float64, from func(report.Request) float64) {
		if len(lanes) == 0 {
			return
		}
		lanes = foldLanes(lanes, rows)
		rowH := math.Min(height/float64(len(lanes)), 14)
		for i, lane := range lanes {
			y := top + float64(i)*rowH + rowH*0.15
			for _, g := range ganttBars(lane, x, from) {
				s.rect(g.a, y, g.b-g.a, math.Max(rowH*0.7, 1), g.class, g.title())
			}
		}
	}
	draw(complexLanes, cs.complexRows, f.y, cH, func(q report.Request) float64 { return q.StartMs })
	s.line(f.x, f.y+cH+gap/2, f.x+f.w, f.y+cH+gap/2, "divider")
	draw(mainLanes, cs.mainRows, f.y+cH+gap, mH, func(q report.Request) float64 { return q.ScheduledMs })
	s.text(f.x-7, f.y+math.Min(cH, 2*ganttMinGroup)/2+4, "end", "group", "Complex")
	s.text(f.x-7, f.y+cH+gap+math.Min(mH, 2*ganttMinGroup)/2+4, "end", "group", "Main")
	return s.html()
}
