package html

import (
	"html/template"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/chart"
)

// latencyBySendTime plots each MainHandler request's latency against the
// time it was due: idle (baseline) and under load, the failed ones as
// crosses, and the starvation limit. In blocking mode the loaded probes
// form the falling ramp.
func (cs *chartSet) latencyBySendTime(r *report.Report) template.HTML {
	p := cs.timePlot(r, "MainHandler latency by send time, "+r.Name(), "time the request was due", "latency", cs.latTop, 5)
	if limit := chart.StarveLimitMs(r); limit > 0 {
		p.limit(limit, "starved above "+report.ShortMs(limit))
	}
	x, y := p.x, p.y
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
	p.path(loaded, false, "series main", "")
	for _, kind := range []string{"dot main-baseline", "dot main", "mark failed"} {
		for _, q := range worstPerColumn(kinds[kind], columnPx, px, slower) {
			px, py := x.at(q.ScheduledMs), y.at(q.LatencyMs)
			if kind == "mark failed" {
				p.cross(px, py, 3.5, kind, requestTitle(q))
			} else {
				p.circle(px, py, 2.6, kind, requestTitle(q))
			}
		}
	}
	if len(reqs) == 0 {
		p.text(p.f.x+p.f.w/2, p.f.y+p.f.h/2, "middle", "message", "no MainHandler request recorded")
	}
	return p.html()
}

// latencyMark is how a MainHandler request is marked on the latency chart.
func latencyMark(q report.Request) string {
	if kind := requestKind(q); kind != "failed" {
		return "dot " + kind
	}
	return "mark failed"
}
