package html

import (
	"fmt"
	"html/template"
	"math"
	"strconv"

	"github.com/blockprobe/blockprobe/report"
)

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
