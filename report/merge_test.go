package report_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/blockprobe/blockprobe/probe"
	"github.com/blockprobe/blockprobe/report"
)

// lognormal latencies, from tens of microseconds to seconds, as a run of
// a blocked loop spreads them.
func latencies(rng *rand.Rand, n int, median time.Duration) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = time.Duration(float64(median) * math.Exp(rng.NormFloat64()*1.5))
	}
	return out
}

// mergeRun is the report of a run (or shard) whose requests took the
// given latencies, sent from start.
func mergeRun(t *testing.T, shard string, started time.Time, baseline, probes, complex []time.Duration) *report.Report {
	t.Helper()
	res := &probe.Result{Started: started, LoadStart: 100 * time.Millisecond, LoadEnd: 2100 * time.Millisecond, Elapsed: 3 * time.Second}
	res.Options.StarveThreshold = 50 * time.Millisecond
	res.Options.Concurrency = 3
	res.Options.Shard, _ = probe.ParseShard(shard)
	if shard == "" {
		res.Options.Shard = probe.Shard{}
	}
	add := func(ep probe.Endpoint, ph probe.Phase, at time.Duration, lat time.Duration) {
		res.Records = append(res.Records, probe.Record{Endpoint: ep, Phase: ph, Scheduled: at, Fired: at, Start: at, End: at + lat, Status: 200})
	}
	for i, l := range baseline {
		add(probe.Main, probe.Baseline, time.Duration(i)*time.Millisecond, l)
	}
	for i, l := range probes {
		add(probe.Main, probe.Loaded, res.LoadStart+time.Duration(i)*10*time.Millisecond, l)
	}
	for _, l := range complex {
		add(probe.Complex, probe.Loaded, res.LoadStart, l)
	}
	res.Summarize()
	cfg := report.Config{Concurrency: 3, Rate: 30, Baseline: 20, DurationMs: 2000, TimeoutMs: 30000, StarveThresholdMs: 50,
		MainPath: "/", ComplexPath: "/complex", Shard: shard}
	return report.New(report.Meta{Mode: "external", Target: "http://127.0.0.1:8888", Config: cfg}, res, nil)
}

// TestMergeIsExact checks that merged percentiles are those of one
// histogram of every value, where an average of percentiles is not.
func TestMergeIsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	base := latencies(rng, 20, 200*time.Microsecond)
	// Uneven shards: one saw the loop blocked, the others did not.
	parts := [][]time.Duration{latencies(rng, 700, 300*time.Millisecond), latencies(rng, 650, time.Millisecond), latencies(rng, 13, 5*time.Millisecond)}
	complex := latencies(rng, 3, time.Second)
	var all []time.Duration
	var srcs []report.Source
	for i, p := range parts {
		b, c := []time.Duration(nil), complex[i:i+1]
		if i == 0 {
			b = base
		}
		all = append(all, p...)
		shard := probe.Shard{Index: i, Count: 3}.String()
		srcs = append(srcs, report.Source{Name: "shard" + shard, Report: mergeRun(t, shard, start, b, p, c)})
	}
	whole := mergeRun(t, "", start, base, all, complex)

	merged, err := report.Merge(srcs)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range whole.Rows() {
		got, want := *merged.Stats(row.Endpoint, row.Phase), *row.Stats
		got.Histogram, want.Histogram = "", ""
		if got.Count != want.Count || got.OK != want.OK || got.MinMs != want.MinMs || got.P50Ms != want.P50Ms ||
			got.P90Ms != want.P90Ms || got.P99Ms != want.P99Ms || got.MaxMs != want.MaxMs || got.MeanMs != want.MeanMs {
			t.Errorf("%s.%s merged:\n got %+v\nwant %+v (one histogram of every value)", row.Endpoint, row.Phase, got, want)
		}
	}
	var avg float64
	for _, s := range srcs {
		avg += s.Report.Endpoints.Main.Loaded.P99Ms / 3
	}
	if p99 := merged.Endpoints.Main.Loaded.P99Ms; p99 == avg {
		t.Errorf("merged p99 %v is the average of the shards' p99s: the test data cannot tell a merge from an average", p99)
	}
	if merged.Verdict.Starved != whole.Verdict.Starved || merged.Verdict.MainP99LoadedMs != whole.Verdict.MainP99LoadedMs ||
		merged.Verdict.Conclusive != whole.Verdict.Conclusive {
		t.Errorf("merged verdict %+v, want that of the whole run %+v", merged.Verdict, whole.Verdict)
	}
	if len(merged.Shards) != 3 || merged.Shards[0].Baseline != 20 || merged.Shards[1].Probes != 650 {
		t.Errorf("shards listed: %+v", merged.Shards)
	}
	if n := len(merged.Requests); n != len(whole.Requests) {
		t.Errorf("merged report keeps %d requests, want %d", n, len(whole.Requests))
	}
}

func TestMergePlacesShardsOnOneAxis(t *testing.T) {
	start := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	ms := []time.Duration{time.Millisecond}
	early := mergeRun(t, "0/2", start, ms, ms, ms)
	late := mergeRun(t, "1/2", start.Add(500*time.Millisecond), nil, ms, nil)
	merged, err := report.Merge([]report.Source{{"b", late}, {"a", early}})
	if err != nil {
		t.Fatal(err)
	}
	if !merged.Started.Equal(start) {
		t.Errorf("merged report starts %v, want the earliest, %v", merged.Started, start)
	}
	if w := merged.LoadWindow; w.StartMs != 100 || w.EndMs != 2600 {
		t.Errorf("merged load window %+v, want 100ms to 2600ms: both windows on one axis", w)
	}
	if s := merged.Shards[1]; s.Shard != "1/2" || s.LoadStartMs != 600 || s.StartOffsetMs != 500 {
		t.Errorf("shard 1/2 listed as %+v, want its window at 600ms, 500ms after the shared start", s)
	}
	for _, q := range merged.Requests {
		if q.Phase == "loaded" && q.Endpoint == "main" && q.ScheduledMs != 100 && q.ScheduledMs != 600 {
			t.Errorf("a probe at %vms, want 100 (shard 0) or 600 (shard 1, shifted)", q.ScheduledMs)
		}
	}
}

func TestMergeRefusesWhatIsNotOneRun(t *testing.T) {
	start := time.Now()
	ms := []time.Duration{time.Millisecond}
	shard := func(s string) *report.Report { return mergeRun(t, s, start, ms, ms, ms) }
	change := func(s string, f func(*report.Report)) *report.Report {
		r := shard(s)
		f(r)
		return r
	}
	for _, tc := range []struct {
		name  string
		other *report.Report
		want  string
	}{
		{"another mode", change("1/2", func(r *report.Report) { r.Mode = "async" }), `mode "external" vs "async"`},
		{"another target", change("1/2", func(r *report.Report) { r.Target = "http://other:80" }), "target"},
		{"another path", change("1/2", func(r *report.Report) { r.Config.ComplexPath = "/slow" }), `config.complex_path "/complex" vs "/slow"`},
		{"another delay", change("1/2", func(r *report.Report) { r.Config.ComplexDelayMs = 100 }), "config.complex_delay_ms 0 vs 100"},
		{"another threshold", change("1/2", func(r *report.Report) { r.Config.StarveThresholdMs = 10 }), "config.starve_threshold_ms"},
		{"another start", change("1/2", func(r *report.Report) { r.Config.StartAt = "2026-05-01T12:00:00Z" }), "config.start_at"},
		{"another number of shards", shard("1/3"), "shards 2 vs 3"},
		{"a whole run", shard(""), `shards 2 vs "none"`},
		{"the same shard twice", shard("0/2"), "both are shard 0/2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := report.Merge([]report.Source{{"a.json", shard("0/2")}, {"b.json", tc.other}})
			if !errors.Is(err, report.ErrCannotMerge) || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("Merge: %v; want one line wrapping ErrCannotMerge that says %q", err, tc.want)
			}
		})
	}
	t.Run("no histogram", func(t *testing.T) {
		old := shard("1/2")
		old.Endpoints.Main.Loaded.Histogram = ""
		_, err := report.Merge([]report.Source{{"a.json", shard("0/2")}, {"old.json", old}})
		if !errors.Is(err, report.ErrCannotMerge) || !strings.Contains(err.Error(), "old.json") {
			t.Errorf("Merge of a report without histograms: %v", err)
		}
	})
}

// A merged run is never healthier than its parts: a shard that could not
// reach the target, or whose figures could not be judged, fails the merge
// however well the other shards did.
func TestMergeKeepsAPartsFailure(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	start := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	ok := mergeRun(t, "0/2", start, latencies(rng, 20, 200*time.Microsecond), latencies(rng, 30, time.Millisecond), latencies(rng, 2, time.Second))
	if ok.Status != report.StatusOK {
		t.Fatalf("the healthy shard: %s %s", ok.Status, ok.StatusReason)
	}
	cfg := ok.Config
	cfg.Shard = "1/2"
	down := report.Unmeasured(report.Meta{Mode: ok.Mode, Target: ok.Target, Config: cfg}, "target unreachable: GET http://127.0.0.1:8888/: refused")
	down.Started = start.Add(time.Millisecond)
	merged, err := report.Merge([]report.Source{{Name: "s0.json", Report: ok}, {Name: "s1.json", Report: down}})
	if err != nil {
		t.Fatal(err)
	}
	if merged.Status != report.StatusFailed || !strings.Contains(merged.StatusReason, "s1.json") || merged.Verdict.Conclusive {
		t.Errorf("merged: %s %q, verdict %+v: want failed, naming s1.json, without a verdict", merged.Status, merged.StatusReason, merged.Verdict)
	}
	if h := report.Headline(merged); !strings.HasPrefix(h, "FAILED: ") {
		t.Errorf("headline %q", h)
	}
	// Its own row says so too, not "inconclusive".
	_, _, rows := report.ShardTable(merged)
	if len(rows) != 2 || rows[0][len(rows[0])-1] == "FAILED" || rows[1][len(rows[1])-1] != "FAILED" {
		t.Errorf("shard rows %q: want the unreachable shard's own word FAILED", rows)
	}
}

// A run that was told --start-at and got there late says so; without
// --shard it is "this run", not a shard with no name.
func TestLateLine(t *testing.T) {
	r := &report.Report{}
	if got := report.LateLine(r); got != "" {
		t.Errorf("on time: %q", got)
	}
	r.StartLateMs, r.Config.StartAt = 12, "2026-05-01T12:00:00Z"
	for shard, want := range map[string]string{"": "this run started its load 12", "2/3": "shard 2/3 started its load 12"} {
		r.Config.Shard = shard
		if got := report.LateLine(r); !strings.HasPrefix(got, want) {
			t.Errorf("shard %q: %q, want it to begin %q", shard, got, want)
		}
	}
}

// Reports that began years apart (a generator whose clock was reset to
// 1970, a hand-edited start) are not one run: their merge would put its
// requests beyond any time a report holds, and could not be read back.
func TestMergeRefusesRunsDaysApart(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	start := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	run := func(at time.Time) *report.Report {
		return mergeRun(t, "", at, latencies(rng, 20, 200*time.Microsecond), latencies(rng, 30, time.Millisecond), latencies(rng, 2, time.Second))
	}
	for _, apart := range []time.Time{start.Add(25 * time.Hour), time.Unix(0, 0), time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)} {
		_, err := report.Merge([]report.Source{{Name: "a.json", Report: run(start)}, {Name: "b.json", Report: run(apart)}})
		if !errors.Is(err, report.ErrCannotMerge) || !strings.Contains(err.Error(), "apart") {
			t.Errorf("started %s and %s: %v, want them refused as not one run", start, apart, err)
		}
	}
	if _, err := report.Merge([]report.Source{{Name: "a.json", Report: run(start)}, {Name: "b.json", Report: run(start.Add(time.Hour))}}); err != nil {
		t.Errorf("an hour apart (a CI matrix): %v", err)
	}
}
