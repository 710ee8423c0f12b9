package text

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

func TestWriteDiff(t *testing.T) {
	oldRuns := fixture.Compare(t)[:3]
	newRuns := fixture.Compare(t)[:2]
	b := newRuns[0]
	b.Endpoints.Main.Loaded.P99Ms *= 1.123
	b.Endpoints.Main.Baseline.P50Ms += 0.3 // +86%, but under the floor
	a := newRuns[1]
	a.Endpoints.Complex.Loaded.Errors = 2
	a.Verdict.Starved = true
	newRuns = append(newRuns, fixture.Report(t, "async_not_starved"))
	newRuns[2].Label = "pooled"

	tests := []struct {
		name      string
		old, new  []*report.Report
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
			changes, only := report.Diff(tc.old, tc.new, tc.tolerance, tc.floorMs)
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
				fixture.Golden(t, tc.golden, buf.Bytes())
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
