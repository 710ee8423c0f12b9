package report_test

import (
	"strings"
	"testing"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

// The explanation speaks from the run's numbers and points at the fix the
// measurement suggests.
func TestExplanationFacts(t *testing.T) {
	blocking := fixture.Report(t, "blocking_starved")
	cpu := fixture.Report(t, "blocking_starved")
	cpu.Mode, cpu.Config.Work = "async", "cpu"
	gil := fixture.Report(t, "blocking_starved")
	gil.Mode, gil.Config.Work, gil.Config.GIL = "pooled", "cpu", true
	gil.Loop.GIL = &report.GIL{LoopWaitMs: 1700, LoopWaitMaxMs: 170, ForcedSwitches: 348}
	gil.Loop.SlowestCallbackMs, gil.Loop.SlowestHandler = 0.2, "MainHandler" // the loop's callbacks are short
	cases := []struct {
		name  string
		r     *report.Report
		wants []string
	}{
		{"blocking names the culprit and the fix", blocking, []string{"ComplexHandler callback ran for 5.00s", "await a non-blocking version"}},
		{"cpu work points away from await", cpu, []string{"await does not make computation asynchronous", "process pool"}},
		{"GIL-bound loop", gil, []string{"win the GIL back from threads that were computing", "up to 170.00ms", "1.70s", "process pool"}},
		{"async stays free", fixture.Report(t, "async_not_starved"), []string{"stayed free", "No fix needed"}},
		{"external target", fixture.Report(t, "external_errors"), []string{"MainHandler probes"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := report.Explain(tc.r)
			text := strings.Join(e.Sentences, " ")
			for _, want := range tc.wants {
				if !strings.Contains(text, want) {
					t.Errorf("explanation lacks %q:\n%s", want, text)
				}
			}
			if e.Suggestion == "" || e.Probes != tc.r.Endpoints.Main.Loaded.Count {
				t.Errorf("suggestion %q, probes %d (report has %d)", e.Suggestion, e.Probes, tc.r.Endpoints.Main.Loaded.Count)
			}
		})
	}
}
