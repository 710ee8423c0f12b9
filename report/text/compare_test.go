package text

import (
	"strings"
	"testing"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

func TestWriteCompareText(t *testing.T) {
	out := fixture.Written(t, WriteCompareText, fixture.Compare(t))
	lines := strings.Split(out, "\n")
	tests := []struct {
		name, prefix string
		want         []string // in the row or line that starts with prefix
	}{
		{"header", "RUN", []string{"P50", "P99", "MAX", "ERRORS", "CALLBACK", "VERDICT"}},
		{"starved row", "blocking  ", []string{"4.93s", "5.00s ComplexHandler", "STARVED"}},
		{"healthy row", "async  ", []string{"550µs", "210µs MainHandler", "  0  ", " ok"}},
		{"external row has no loop", "staging  ", []string{"6.80ms", "  7  ", " -  ", "FAILED"}},
		{"unanswered latencies", "blocking cut/short", []string{" —  ", "41", "2.00s ComplexHandler"}},
		{"verdict line", "blocking: ", []string{"MainHandler STARVED: p99 4.93s"}},
		{"labelled verdict line", "staging: ", []string{"FAILED: 1 requests failed at the connection level"}},
		{"interrupted, with its verdict", "blocking cut/short: ", []string{"INTERRUPTED: ", "; MainHandler STARVED: 40/40 probes"}},
		{"scenario differs per run", "staging: baseline", []string{"2 workers x GET /slow"}},
		{"note for one run", "Note: staging: ", []string{"no loop agent answered"}},
		{"partial", "PARTIAL: blocking cut/short: ", []string{"interrupted"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			line := ""
			for _, l := range lines {
				if strings.HasPrefix(l, tc.prefix) {
					line = l
					break
				}
			}
			if line == "" {
				t.Fatalf("no line starts with %q in\n%s", tc.prefix, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(line, w) {
					t.Errorf("line %q does not contain %q", line, w)
				}
			}
		})
	}

	t.Run("one scenario line for one scenario", func(t *testing.T) {
		out := fixture.Written(t, WriteCompareText, []*report.Report{fixture.Report(t, "blocking_starved"), fixture.Report(t, "async_not_starved")})
		if n := strings.Count(out, "baseline 20 x GET /"); n != 1 {
			t.Errorf("scenario appears %d times, want once:\n%s", n, out)
		}
	})
	t.Run("each run's Loop line, as run shows it", func(t *testing.T) {
		runs := append(fixture.Compare(t), fixture.Report(t, "external_agent"))
		out := fixture.Written(t, WriteCompareText, runs)
		for _, r := range runs {
			var single strings.Builder
			if err := WriteText(&single, r); err != nil {
				t.Fatal(err)
			}
			loop := ""
			for _, l := range strings.Split(single.String(), "\n") {
				if strings.HasPrefix(l, "Loop: ") {
					loop = l
				}
			}
			want := r.Name() + ": " + loop
			switch {
			case loop == "" && strings.Contains(out, r.Name()+": Loop: "):
				t.Errorf("%s has no Loop line in run, but one in compare:\n%s", r.Name(), out)
			case loop != "" && !strings.Contains(out, "\n"+want+"\n"):
				t.Errorf("compare lacks the line %q:\n%s", want, out)
			}
		}
		if !strings.Contains(out, "127.0.0.1:8888: Loop: slowest stall 5.00s in BlockingComplexHandler.get at examples/tornado/server.py:75") {
			t.Errorf("the agent's run does not name its culprit:\n%s", out)
		}
	})
	t.Run("inconclusive", func(t *testing.T) {
		r := fixture.Report(t, "async_not_starved")
		r.Verdict = noVerdict()
		out := fixture.Written(t, WriteCompareText, []*report.Report{r})
		if !strings.Contains(out, " inconclusive\n") {
			t.Errorf("no inconclusive verdict in\n%s", out)
		}
	})
}

// noVerdict is the verdict of a run in which no probe under load was
// answered.
func noVerdict() report.Verdict {
	v := report.Verdict{ThresholdMs: 50}
	v.Summary = report.VerdictLine(v)
	return v
}
