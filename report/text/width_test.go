package text

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

// Every text format fits the terminal it is written for.

// TestWriteTextWidth keeps the text report readable on a terminal of about
// 100 columns.
func TestWriteTextWidth(t *testing.T) {
	const maxTableWidth = 100
	for _, f := range fixture.Runs() {
		t.Run(f.Name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteText(&buf, f.Report()); err != nil {
				t.Fatalf("WriteText: %v", err)
			}
			for _, line := range strings.Split(buf.String(), "\n") {
				// Prose lines may wrap; the table's must not.
				if strings.HasPrefix(line, "MainHandler ") || strings.HasPrefix(line, "ComplexHandler ") ||
					strings.HasPrefix(line, "ENDPOINT") {
					if n := utf8.RuneCountInString(line); n > maxTableWidth {
						t.Errorf("table line is %d columns wide, want <= %d: %q", n, maxTableWidth, line)
					}
				}
			}
		})
	}
}

// TestWriteCompareTextWidth keeps the side-by-side table readable on a
// terminal of about 120 columns, also with the widest figures, errors and
// an inconclusive verdict. Only a long run name can widen it further.
func TestWriteCompareTextWidth(t *testing.T) {
	const maxTableWidth = 120
	inconclusive := fixture.Report(t, "async_not_starved")
	inconclusive.Verdict = noVerdict()
	wide := fixture.Report(t, "blocking_starved")
	wide.Label = "blocking" // a mode's name, as compare gives them
	m, c := &wide.Endpoints.Main, &wide.Endpoints.Complex.Loaded
	m.Baseline.P50Ms, m.Baseline.P99Ms = 12.34, 99.99 // idle
	m.Loaded.P50Ms, m.Loaded.P99Ms, m.Loaded.MaxMs, c.P50Ms, c.MaxMs = 999, 999, 999, 999, 999
	m.Loaded.Errors = 1234
	tests := []struct {
		name string
		runs []*report.Report
	}{
		{"compare", fixture.Compare(t)},
		{"worst case", []*report.Report{fixture.Report(t, "blocking_starved"), inconclusive, wide}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := fixture.Written(t, WriteCompareText, tc.runs)
			table, _, _ := strings.Cut(out, "\n\n") // the table comes first
			for _, line := range strings.Split(table, "\n") {
				if n := utf8.RuneCountInString(line); n > maxTableWidth {
					t.Errorf("table line is %d columns wide, want <= %d: %q", n, maxTableWidth, line)
				}
				if strings.HasSuffix(line, " ") {
					t.Errorf("table line has trailing blanks: %q", line)
				}
			}
		})
	}
}

// TestTimelineWidth checks that every line fits the width asked for, and
// that colour is added only when asked for.
func TestTimelineWidth(t *testing.T) {
	for _, width := range []int{MinTimelineWidth, 80, 100, 160} {
		for _, color := range []bool{false, true} {
			var buf bytes.Buffer
			if err := WriteTimeline(&buf, fixture.Timeline(t, "blocking_starved"), width, color); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if got := strings.Contains(out, "\x1b["); got != color {
				t.Errorf("width %d, color %v: ANSI escapes present = %v", width, color, got)
			}
			for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
				if n := VisibleWidth(line); n > width {
					t.Errorf("width %d: line of %d columns: %q", width, n, line)
				}
				if !color && !utf8.ValidString(line) {
					t.Errorf("invalid UTF-8: %q", line)
				}
			}
		}
	}
}
