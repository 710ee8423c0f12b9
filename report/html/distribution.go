package html

import (
	"math"
	"sort"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/chart"
)

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
