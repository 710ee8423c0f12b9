package report_test

import (
	"math"
	"reflect"
	"testing"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

func TestDiff(t *testing.T) {
	const tolerance, floorMs = 0.10, 1.0
	mainP99 := func(v float64) func(*report.Report) {
		return func(r *report.Report) { r.Endpoints.Main.Loaded.P99Ms = v }
	}
	idleP50 := func(v float64) func(*report.Report) {
		return func(r *report.Report) { r.Endpoints.Main.Baseline.P50Ms = v }
	}
	complexMax := func(v float64) func(*report.Report) {
		return func(r *report.Report) { r.Endpoints.Complex.Loaded.MaxMs = v }
	}
	loadedErrors := func(n int) func(*report.Report) { return func(r *report.Report) { r.Endpoints.Main.Loaded.Errors = n } }
	starved := func(s bool) func(*report.Report) { return func(r *report.Report) { r.Verdict.Starved = s } }
	tests := []struct {
		name           string
		old, new       func(*report.Report)
		figure         string
		wantDelta      float64
		wantRegression bool
	}{
		{"equal", mainP99(100), mainP99(100), "main.loaded.p99", 0, false},
		{"improvement", mainP99(100), mainP99(50), "main.loaded.p99", -50, false},
		{"large improvement", mainP99(5000), mainP99(0.5), "main.loaded.p99", -99.99, false},
		{"just under the tolerance", mainP99(100), mainP99(109.9), "main.loaded.p99", 9.9, false},
		{"at the tolerance", mainP99(100), mainP99(110), "main.loaded.p99", 10, false},
		{"just over the tolerance", mainP99(100), mainP99(110.1), "main.loaded.p99", 10.1, true},
		{"over the tolerance, under the floor", idleP50(0.4), idleP50(0.9), "main.baseline.p50", 125, false},
		{"over the tolerance, at the floor", idleP50(0.5), idleP50(1.5), "main.baseline.p50", 200, false},
		{"over the tolerance and the floor", idleP50(0.5), idleP50(1.6), "main.baseline.p50", 220, true},
		{"over the floor, under the tolerance", complexMax(5000), complexMax(5400), "complex.loaded.max", 8, false},
		{"complex over both", complexMax(5000), complexMax(6000), "complex.loaded.max", 20, true},
		{"zero old latency is not judged", mainP99(0), mainP99(5), "main.loaded.p99", math.Inf(1), false},
		{"zero new latency is not judged", mainP99(5), mainP99(0), "main.loaded.p99", -100, false},
		{"errors appear", loadedErrors(0), loadedErrors(1), "main.loaded.errors", math.Inf(1), true},
		{"errors grow", loadedErrors(2), loadedErrors(3), "main.loaded.errors", 50, true},
		{"errors shrink", loadedErrors(3), loadedErrors(1), "main.loaded.errors", -66.67, false},
		{"verdict turns starved", starved(false), starved(true), "verdict.starved", math.Inf(1), true},
		{"verdict recovers", starved(true), starved(false), "verdict.starved", -100, false},
		{"verdict stays starved", starved(true), starved(true), "verdict.starved", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			oldRun, newRun := fixture.Report(t, "async_not_starved"), fixture.Report(t, "async_not_starved")
			tc.old(oldRun)
			tc.new(newRun)
			changes, only := report.Diff([]*report.Report{oldRun}, []*report.Report{newRun}, tolerance, floorMs)
			if len(only) != 0 {
				t.Errorf("only = %q, want none", only)
			}
			if len(changes) != report.DiffFigures {
				t.Errorf("%d changes, want one per figure (%d)", len(changes), report.DiffFigures)
			}
			var found bool
			for _, c := range changes {
				if c.Run != "async" {
					t.Errorf("change of run %q, want async", c.Run)
				}
				if c.Figure != tc.figure {
					if c.Regression || c.DeltaPct != 0 {
						t.Errorf("untouched figure %s changed: %+v", c.Figure, c)
					}
					continue
				}
				found = true
				if c.Regression != tc.wantRegression {
					t.Errorf("Regression = %v, want %v (%+v)", c.Regression, tc.wantRegression, c)
				}
				if !sameDelta(c.DeltaPct, tc.wantDelta) {
					t.Errorf("DeltaPct = %v, want %v", c.DeltaPct, tc.wantDelta)
				}
			}
			if !found {
				t.Errorf("no change for figure %s", tc.figure)
			}
		})
	}
}

func sameDelta(got, want float64) bool {
	if math.IsInf(want, 0) {
		return got == want
	}
	return math.Abs(got-want) < 0.01
}

func TestDiffMatchesRuns(t *testing.T) {
	named := func(label string) *report.Report {
		r := fixture.Report(t, "async_not_starved")
		r.Label = label
		return r
	}
	tests := []struct {
		name     string
		old, new []*report.Report
		wantRuns []string // of the changes, one per matched run
		wantOnly []string
	}{
		{"same runs", []*report.Report{named("a"), named("b")}, []*report.Report{named("a"), named("b")}, []string{"a", "b"}, nil},
		{"order does not matter", []*report.Report{named("a"), named("b")}, []*report.Report{named("b"), named("a")}, []string{"a", "b"}, nil},
		{"run only in old", []*report.Report{named("a"), named("b")}, []*report.Report{named("a")}, []string{"a"}, []string{"b"}},
		{"run only in new", []*report.Report{named("a")}, []*report.Report{named("c"), named("a")}, []string{"a"}, []string{"c"}},
		{"nothing in common", []*report.Report{named("a")}, []*report.Report{named("b")}, nil, []string{"a", "b"}},
		{"repeated name", []*report.Report{named("a"), named("a")}, []*report.Report{named("a")}, []string{"a"}, []string{"a"}},
		{"by mode and host", []*report.Report{fixture.Report(t, "blocking_starved"), fixture.Report(t, "external_errors")},
			[]*report.Report{fixture.Report(t, "external_errors"), fixture.Report(t, "blocking_starved")},
			[]string{"blocking", "127.0.0.1:8080"}, nil},
		{"no runs", nil, nil, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			changes, only := report.Diff(tc.old, tc.new, 0.1, 1)
			var runs []string
			for i, c := range changes {
				if i%report.DiffFigures == 0 {
					runs = append(runs, c.Run)
				}
			}
			if !reflect.DeepEqual(runs, tc.wantRuns) || !reflect.DeepEqual(only, tc.wantOnly) {
				t.Errorf("Diff matched %q, only %q; want %q, only %q", runs, only, tc.wantRuns, tc.wantOnly)
			}
		})
	}
}

func TestDiffNegativeTolerance(t *testing.T) {
	oldRun, newRun := fixture.Report(t, "blocking_starved"), fixture.Report(t, "blocking_starved")
	newRun.Endpoints.Main.Loaded.P99Ms += 2
	changes, _ := report.Diff([]*report.Report{oldRun}, []*report.Report{newRun}, -1, -1)
	n := 0
	for _, c := range changes {
		if c.Regression {
			n++
			if c.Figure != "main.loaded.p99" {
				t.Errorf("unexpected regression %+v", c)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d regressions, want 1: a negative tolerance and floor count as 0", n)
	}
}
