package chart_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/chart"
	"github.com/blockprobe/blockprobe/report/html"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
	"github.com/blockprobe/blockprobe/report/text"
)

func TestNiceStep(t *testing.T) {
	cases := []struct{ raw, want float64 }{
		{0.7, 1}, {1, 1}, {1.2, 2}, {3, 5}, {7, 10}, {420, 500}, {1001, 2000}, {0, 1},
	}
	for _, tc := range cases {
		if got := chart.NiceStep(tc.raw); got != tc.want {
			t.Errorf("chart.NiceStep(%v) = %v, want %v", tc.raw, got, tc.want)
		}
	}
}

// A run interrupted long before its planned end is drawn as it happened:
// up to its last record, not to the end of the load it planned.
// A run interrupted long before its planned end is drawn as it happened,
// in every format: up to its last record, not to the end of the load it
// planned.
func TestTimelinesEndWhenTheRunDid(t *testing.T) {
	planned := fixture.Report(t, "blocking_partial")
	planned.LoadWindow.EndMs = planned.LoadWindow.StartMs + 1000*3600*1000 // --duration 1000h, Ctrl-C after 2s
	planned.Config.DurationMs = 1000 * 3600 * 1000
	tests := []struct {
		name   string
		render func(*report.Report) string
		want   string
		notIn  []string
	}{
		{"text timeline", func(r *report.Report) string {
			var b bytes.Buffer
			if err := text.WriteTimeline(&b, r, 100, false); err != nil {
				t.Fatal(err)
			}
			return b.String()
		}, "Timeline of the run: 4", []string{"1000h", "3600000s"}},
		{"html charts", func(r *report.Report) string {
			var b bytes.Buffer
			if err := html.WriteHTML(&b, []*report.Report{r}); err != nil {
				t.Fatal(err)
			}
			return b.String()
		}, "load window: 9.15ms to 4.01s", []string{"0000s</text>"}}, // a tick of the planned hours
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := tc.render(planned)
			if !strings.Contains(out, tc.want) {
				t.Errorf("output lacks %q:\n%.2000s", tc.want, out)
			}
			for _, bad := range tc.notIn {
				if strings.Contains(out, bad) {
					t.Errorf("output spans the planned run (%q)", bad)
				}
			}
		})
	}
}
