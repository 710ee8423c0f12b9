package report

import (
	"bytes"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	const tolerance, floorMs = 0.10, 1.0
	mainP99 := func(v float64) func(*Report) { return func(r *Report) { r.Endpoints.Main.Loaded.P99Ms = v } }
	idleP50 := func(v float64) func(*Report) { return func(r *Report) { r.Endpoints.Main.Baseline.P50Ms = v } }
	complexMax := func(v float64) func(*Report) { return func(r *Report) { r.Endpoints.Complex.Loaded.MaxMs = v } }
	loadedErrors := func(n int) func(*Report) { return func(r *Report) { r.Endpoints.Main.Loaded.Errors = n } }
	starved := func(s bool) func(*Report) { return func(r *Report) { r.Verdict.Starved = s } }
	tests := []struct {
		name           string
		old, new       func(*Report)
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
			oldRun, newRun := fixtureReport(t, "async_not_starved"), fixtureReport(t, "async_not_starved")
			tc.old(oldRun)
			tc.new(newRun)
			changes, only := Diff([]*Report{oldRun}, []*Report{newRun}, tolerance, floorMs)
			if len(only) != 0 {
				t.Errorf("only = %q, want none", only)
			}
			if len(changes) != len(diffFigures) {
				t.Errorf("%d changes, want one per figure (%d)", len(changes), len(diffFigures))
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
	named := func(label string) *Report {
		r := fixtureReport(t, "async_not_starved")
		r.Label = label
		return r
	}
	tests := []struct {
		name     string
		old, new []*Report
		wantRuns []string // of the changes, one per matched run
		wantOnly []string
	}{
		{"same runs", []*Report{named("a"), named("b")}, []*Report{named("a"), named("b")}, []string{"a", "b"}, nil},
		{"order does not matter", []*Report{named("a"), named("b")}, []*Report{named("b"), named("a")}, []string{"a", "b"}, nil},
		{"run only in old", []*Report{named("a"), named("b")}, []*Report{named("a")}, []string{"a"}, []string{"b"}},
		{"run only in new", []*Report{named("a")}, []*Report{named("c"), named("a")}, []string{"a"}, []string{"c"}},
		{"nothing in common", []*Report{named("a")}, []*Report{named("b")}, nil, []string{"a", "b"}},
		{"repeated name", []*Report{named("a"), named("a")}, []*Report{named("a")}, []string{"a"}, []string{"a"}},
		{"by mode and host", []*Report{fixtureReport(t, "blocking_starved"), fixtureReport(t, "external_errors")},
			[]*Report{fixtureReport(t, "external_errors"), fixtureReport(t, "blocking_starved")},
			[]string{"blocking", "127.0.0.1:8080"}, nil},
		{"no runs", nil, nil, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			changes, only := Diff(tc.old, tc.new, 0.1, 1)
			var runs []string
			for i, c := range changes {
				if i%len(diffFigures) == 0 {
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
	oldRun, newRun := fixtureReport(t, "blocking_starved"), fixtureReport(t, "blocking_starved")
	newRun.Endpoints.Main.Loaded.P99Ms += 2
	changes, _ := Diff([]*Report{oldRun}, []*Report{newRun}, -1, -1)
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

func TestWriteDiff(t *testing.T) {
	oldRuns := compareRuns(t)[:3]
	newRuns := compareRuns(t)[:2]
	b := newRuns[0]
	b.Endpoints.Main.Loaded.P99Ms *= 1.123
	b.Endpoints.Main.Baseline.P50Ms += 0.3 // +86%, but under the floor
	a := newRuns[1]
	a.Endpoints.Complex.Loaded.Errors = 2
	a.Verdict.Starved = true
	newRuns = append(newRuns, fixtureReport(t, "async_not_starved"))
	newRuns[2].Label = "pooled"

	tests := []struct {
		name      string
		old, new  []*Report
		tolerance float64
		floorMs   float64
		golden    string
		lines     []string // lines the output must contain, by their words
	}{
		{"regressions", oldRuns, newRuns, 0.1, 1, "diff.golden", []string{
			"blocking  main.loaded.p99          4.93s    5.54s  +12.3%  REGRESSION",
			"blocking  main.baseline.p50        350µs    650µs  +85.7%",
			"async     complex.loaded.errors        0        2      +2  REGRESSION",
			"async     verdict.starved    not starved  STARVED  flipped  REGRESSION",
			"not compared, found on one side only: staging, pooled",
			"3 regressions beyond 10% (and 1ms)",
		}},
		{"none", oldRuns[:1], oldRuns[:1], 0.1, 1, "", []string{"no regressions beyond 10% (and 1ms)"}},
		{"one, no floor", oldRuns[:1], newRuns[:1], 0.25, 0, "", []string{
			"blocking  main.baseline.p50  350µs  650µs  +85.7%  REGRESSION",
			"1 regression beyond 25%",
		}},
		{"nothing compared", oldRuns[:1], newRuns[1:2], 0.1, 1, "", []string{
			"not compared, found on one side only: blocking, async",
			"no runs compared",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			changes, only := Diff(tc.old, tc.new, tc.tolerance, tc.floorMs)
			var buf bytes.Buffer
			if err := WriteDiff(&buf, changes, only); err != nil {
				t.Fatalf("WriteDiff: %v", err)
			}
			out := buf.String()
			lines := strings.Split(out, "\n")
			for _, want := range tc.lines {
				if !containsLine(lines, want) {
					t.Errorf("no line %q in\n%s", want, out)
				}
			}
			for _, line := range lines {
				if strings.HasSuffix(line, " ") {
					t.Errorf("line has trailing blanks: %q", line)
				}
			}
			if tc.golden != "" {
				checkGolden(t, tc.golden, buf.Bytes())
			}
		})
	}
}

// containsLine reports whether a line of lines holds the words of want,
// however the table spaced them.
func containsLine(lines []string, want string) bool {
	for _, l := range lines {
		if reflect.DeepEqual(strings.Fields(l), strings.Fields(want)) {
			return true
		}
	}
	return false
}
