package report_test

import (
	"testing"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

func TestAggregateTakesMediansAndSpread(t *testing.T) {
	var reps []*report.Report
	async := fixture.Named(t, "async_not_starved")
	for _, p99 := range []float64{30, 10, 20} {
		r := report.New(report.Meta{Mode: "async", Target: report.TargetEmbedded, Config: fixture.EmbeddedConfig()}, async.Result, async.Loop)
		r.Endpoints.Main.Loaded.P99Ms = p99
		r.Verdict.Starved = p99 > 25
		reps = append(reps, r)
	}
	one := reps[0]
	agg := report.Aggregate(reps)
	spread := agg.Repeat.Spread["main.loaded.p99_ms"]
	if agg.Endpoints.Main.Loaded.P99Ms != 20 || spread != (report.Range{Min: 10, Median: 20, Max: 30}) {
		t.Errorf("p99 %v, spread %+v; want the median 20 and range 10..30", agg.Endpoints.Main.Loaded.P99Ms, spread)
	}
	if agg.Repeat.N != 3 || agg.Repeat.Starved != 1 {
		t.Errorf("repeat %+v, want n 3 with 1 starved", agg.Repeat)
	}
	if got, want := agg.Endpoints.Main.Loaded.Count, 3*one.Endpoints.Main.Loaded.Count; got != want {
		t.Errorf("count %d, want the sum %d", got, want)
	}
	if len(agg.Requests) != 3*len(one.Requests) || agg.Requests[len(agg.Requests)-1].Repeat != 3 {
		t.Errorf("%d requests, last of run %d: want every run's requests, marked", len(agg.Requests), agg.Requests[len(agg.Requests)-1].Repeat)
	}
	if agg.Verdict.Starved || agg.Verdict.MainP99LoadedMs != 20 {
		t.Errorf("verdict %+v: want it judged on the median p99 (20ms, not starved)", agg.Verdict)
	}
	if reps[0].Repeat != nil || reps[0].Endpoints.Main.Loaded.P99Ms != 30 {
		t.Error("Aggregate changed the reports it was given")
	}
}
