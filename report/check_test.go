package report_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

func TestPrintable(t *testing.T) {
	checkPhrases(t, "Printable", report.Printable, []phrase[string]{
		{"plain", "MainHandler", "MainHandler"},
		{"unicode", "µs → 5s", "µs → 5s"},
		{"escape sequence", "\x1b[2Jx", `\x1b[2Jx`},
		{"bell and NUL", "a\x07b\x00", `a\x07b\x00`},
		{"line breaks and tab", "a\r\n\tb", `a\x0d\x0a\x09b`},
		{"C1 CSI", "a\u009b31m", `a\x9b31m`},
		{"bidi override", "abc\u202edef", `abc\u202edef`},
		{"not UTF-8", "a\xffb", `a\xffb`},
	})
}

func TestCheckReport(t *testing.T) {
	tests := []struct {
		name      string
		change    func(r *report.Report)
		wantErr   string
		wantWarns []string
	}{
		{"as a run wrote it", func(*report.Report) {}, "", nil},
		{"control characters anywhere", func(r *report.Report) {
			r.Label, r.Requests[0].Detail = "\x1b[31mx", "\x07"
			r.Endpoints.Main.Loaded.ErrorsByClass = map[string]int{"a\x1bb": 0}
		}, "", []string{"3 strings held control characters"}},
		{"a newer version", func(r *report.Report) { r.Version = report.ReportVersion + 1 }, "", []string{"newer than this blockprobe reads"}},
		{"a negative count", func(r *report.Report) { r.Verdict.Probes = -1 }, "verdict.probes is -1, below zero", nil},
		{"a negative count in a map", func(r *report.Report) { r.Endpoints.Main.Loaded.ErrorsByClass = map[string]int{"x\x1b": -2} },
			`endpoints.main.loaded.errors_by_class.x\x1b is -2`, nil},
		{"a time beyond any duration", func(r *report.Report) { r.ElapsedMs = 1e13 }, "elapsed_ms is 1e+13", nil},
		{"a negative latency", func(r *report.Report) { r.Endpoints.Complex.Loaded.MaxMs = -1 }, "",
			[]string{"endpoints.complex.loaded.max_ms is -1, below zero", "percentiles are out of order"}},
		{"a negative excess is a verdict", func(r *report.Report) { r.Verdict.ExcessMs = -1 }, "", nil},
		{"an agent's clock behind ours", func(r *report.Report) { r.Loop.Agent = &report.LoopAgent{ClockOffsetMs: -0.3} }, "", nil},
		{"many negative times", func(r *report.Report) {
			for i := range r.Requests[:5] {
				r.Requests[i].StartMs = -1
			}
		}, "", []string{"requests[].start_ms: 5 below zero (the first: requests[0].start_ms is -1)"}},
		{"busy beyond all", func(r *report.Report) { r.Loop.BusyFraction = 1.5 }, "", []string{"loop.busy_fraction is 1.5, not a fraction"}},
		{"counts that do not add up", func(r *report.Report) { r.Endpoints.Main.Baseline.OK = 3 }, "",
			[]string{"endpoints.main.baseline: ok 3 and errors 0 do not add up to its count 20"}},
		{"a window backwards", func(r *report.Report) { r.LoadWindow.EndMs = r.LoadWindow.StartMs - 1 }, "", []string{"load_window ends"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := fixture.Report(t, "blocking_starved")
			tc.change(r)
			warns, err := report.CheckReport(r)
			if tc.wantErr != "" {
				if !errors.Is(err, report.ErrBadValue) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one saying %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(warns, "\n")
			for _, want := range tc.wantWarns {
				if !strings.Contains(got, want) {
					t.Errorf("warnings %q lack %q", warns, want)
				}
			}
			if tc.wantWarns == nil && len(warns) > 0 {
				t.Errorf("warnings %q, want none", warns)
			}
			if strings.ContainsAny(r.Label+r.Requests[0].Detail, "\x1b\x07") {
				t.Errorf("control characters left in %q, %q", r.Label, r.Requests[0].Detail)
			}
		})
	}
}
