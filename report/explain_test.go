package report

import (
	"bytes"
	"strings"
	"testing"
)

func TestExplanationGolden(t *testing.T) {
	for _, f := range fixtures() {
		t.Run(f.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteExplanation(&buf, f.report()); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "explain_"+f.name+".golden", buf.Bytes())
		})
	}
}

// The explanation speaks from the run's numbers and points at the fix the
// measurement suggests.
func TestExplanationFacts(t *testing.T) {
	blocking := fixtureReport(t, "blocking_starved")
	cpu := fixtureReport(t, "blocking_starved")
	cpu.Mode, cpu.Config.Work = "async", "cpu"
	gil := fixtureReport(t, "blocking_starved")
	gil.Mode, gil.Config.Work, gil.Config.GIL = "pooled", "cpu", true
	gil.Loop.GIL = &GIL{LoopWaitMs: 1700, LoopWaitMaxMs: 170, ForcedSwitches: 348}
	gil.Loop.SlowestCallbackMs, gil.Loop.SlowestHandler = 0.2, "MainHandler" // the loop's callbacks are short
	cases := []struct {
		name  string
		r     *Report
		wants []string
	}{
		{"blocking names the culprit and the fix", blocking, []string{"ComplexHandler callback ran for 5.00s", "await a non-blocking version"}},
		{"cpu work points away from await", cpu, []string{"await does not make computation asynchronous", "process pool"}},
		{"GIL-bound loop", gil, []string{"win the GIL back from threads that were computing", "up to 170.00ms", "1.70s", "process pool"}},
		{"async stays free", fixtureReport(t, "async_not_starved"), []string{"stayed free", "No fix needed"}},
		{"external target", fixtureReport(t, "external_errors"), []string{"MainHandler probes"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := Explain(tc.r)
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
