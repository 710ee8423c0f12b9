package report_test

import (
	"testing"
	"time"
	"unicode/utf8"

	"github.com/blockprobe/blockprobe/report"
)

const (
	ms = time.Millisecond
	us = time.Microsecond
)

// phrase is one case of a function that renders a value for people.
type phrase[In any] struct {
	name string
	in   In
	want string
}

// checkPhrases checks that f, called name, renders each case's in as its
// want.
func checkPhrases[In any](t *testing.T, name string, f func(In) string, cases []phrase[In]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := f(tc.in); got != tc.want {
				t.Errorf("%s(%#v) =\n  %q\nwant\n  %q", name, tc.in, got, tc.want)
			}
		})
	}
}

func TestFormatDuration(t *testing.T) {
	cases := []phrase[time.Duration]{
		{"zero", 0, "0µs"},
		{"sub-microsecond rounds to zero", 400 * time.Nanosecond, "0µs"},
		{"microseconds", 420 * us, "420µs"},
		{"microseconds round", 419600 * time.Nanosecond, "420µs"},
		{"just below 1ms rounds up to ms", 999600 * time.Nanosecond, "1.00ms"},
		{"one millisecond", ms, "1.00ms"},
		{"milliseconds", 12345 * us, "12.35ms"},
		{"just below 1s rounds up to s", 999996 * us, "1.00s"},
		{"one second", time.Second, "1.00s"},
		{"seconds", 4960 * ms, "4.96s"},
		{"minutes stay in seconds", 90 * time.Second, "90.00s"},
		{"negative", -12340 * us, "-12.34ms"},
		{"tiny negative has no sign", -100 * time.Nanosecond, "0µs"},
	}
	checkPhrases(t, "FormatDuration", report.FormatDuration, cases)
	checkPhrases(t, "FormatMs", func(d time.Duration) string { return report.FormatMs(millis(d)) }, cases)
}

func TestShortMs(t *testing.T) {
	checkPhrases(t, "ShortMs", report.ShortMs, []phrase[float64]{
		{"zero", 0, "0ms"},
		{"sub-millisecond", 0.42, "0.42ms"},
		{"trailing zero dropped", 0.5, "0.5ms"},
		{"whole milliseconds", 50, "50ms"},
		{"whole seconds", 5000, "5s"},
		{"seconds", 4959.6, "4.96s"},
		{"negative", -0.05, "-0.05ms"},
		{"rounds to zero without sign", -0.001, "0ms"},
	})
}

func TestVerdictLine(t *testing.T) {
	type v = report.Verdict
	checkPhrases(t, "VerdictLine", report.VerdictLine, []phrase[report.Verdict]{
		{"starved", v{Starved: true, Conclusive: true, MainP99BaselineMs: 0.42, MainP99LoadedMs: 4960, ThresholdMs: 50, ExcessMs: 4959.58, Probes: 98},
			"MainHandler STARVED: p99 4.96s under load vs 0.42ms idle (+4.96s > 50ms)"},
		{"not starved", v{Conclusive: true, MainP99BaselineMs: 0.42, MainP99LoadedMs: 0.61, ThresholdMs: 50, ExcessMs: 0.19, Probes: 98},
			"MainHandler not starved: p99 0.61ms under load vs 0.42ms idle (+0.19ms <= 50ms)"},
		{"faster under load", v{Conclusive: true, MainP99BaselineMs: 0.42, MainP99LoadedMs: 0.37, ThresholdMs: 50, ExcessMs: -0.05, Probes: 98},
			"MainHandler not starved: p99 0.37ms under load vs 0.42ms idle (-0.05ms <= 50ms)"},
		{"exactly at the threshold is not starved", v{Conclusive: true, MainP99BaselineMs: 10, MainP99LoadedMs: 60, ThresholdMs: 50, ExcessMs: 50, Probes: 98},
			"MainHandler not starved: p99 60ms under load vs 10ms idle (+50ms <= 50ms)"},
		{"starved through timeouts only", v{Starved: true, Conclusive: true, MainP99BaselineMs: 0.42, MainP99LoadedMs: 0.61, ThresholdMs: 50, ExcessMs: 0.19, Probes: 98, Stalled: 3},
			"MainHandler STARVED: 3/98 probes under load stalled unanswered (p99 0.61ms vs 0.42ms idle, +0.19ms)"},
		{"every probe timed out", v{Starved: true, Conclusive: true, MainP99BaselineMs: 0.42, ThresholdMs: 50, ExcessMs: -0.42, Probes: 98, Stalled: 98},
			"MainHandler STARVED: 98/98 probes under load stalled unanswered (none was answered)"},
		{"starved with timeouts too", v{Starved: true, Conclusive: true, MainP99BaselineMs: 0.42, MainP99LoadedMs: 4960, ThresholdMs: 50, ExcessMs: 4959.58, Probes: 98, Stalled: 2},
			"MainHandler STARVED: p99 4.96s under load vs 0.42ms idle (+4.96s > 50ms); 2/98 probes under load stalled unanswered"},
		{"no baseline", v{Starved: true, Conclusive: true, MainP99LoadedMs: 4960, ThresholdMs: 50, ExcessMs: 4960, Probes: 98, NoBaseline: true},
			"MainHandler STARVED: p99 4.96s under load vs 0 idle (no baseline measured; +4.96s > 50ms)"},
		{"no baseline, not starved", v{Conclusive: true, MainP99LoadedMs: 0.61, ThresholdMs: 50, ExcessMs: 0.61, Probes: 98, NoBaseline: true},
			"MainHandler not starved: p99 0.61ms under load vs 0 idle (no baseline measured; +0.61ms <= 50ms)"},
		{"inconclusive", v{MainP99BaselineMs: 0.42, ThresholdMs: 50, Probes: 40},
			"MainHandler verdict INCONCLUSIVE: none of 40 probes under load was answered"},
		{"inconclusive without probes", v{MainP99BaselineMs: 0.42, ThresholdMs: 50},
			"MainHandler verdict INCONCLUSIVE: no probe under load completed"},
	})
}

func TestLoopLine(t *testing.T) {
	blocked := report.Loop{
		SlowestCallbackMs: 4960, SlowestHandler: "ComplexHandler", LagP99Ms: 4950, LagMaxMs: 4960,
		BusyFraction: 0.97, LongestQueue: 99,
	}
	const blockedWant = "Loop: slowest callback 4.96s in ComplexHandler; lag p99 4.95s (max 4.96s); busy 97%; longest queue 99"
	pooled := blocked
	pooled.Pool = &report.Pool{Size: 5, Busy: 2, MaxBusy: 5, LongestQueue: 5}
	withGIL := pooled
	withGIL.GIL = &report.GIL{SwitchIntervalMs: 5, ForcedSwitches: 812, LoopWaitMs: 1234.5, LoopWaitMaxMs: 5.1}
	anonymous := report.Loop{SlowestCallbackMs: 0.2, LagP99Ms: 0.15, LagMaxMs: 0.4}
	checkPhrases(t, "LoopLine", report.LoopLine, []phrase[*report.Loop]{
		{"nil", nil, ""},
		{"blocked", &blocked, blockedWant},
		{"pool", &pooled, blockedWant + "; pool 5 workers, max busy 5, longest queue 5"},
		{"pool and GIL", &withGIL, blockedWant + "; pool 5 workers, max busy 5, longest queue 5" +
			"; GIL: 812 forced switches, loop waited 1.23s (max 5.10ms)"},
		{"no handler named", &anonymous, "Loop: slowest callback 200µs; lag p99 150µs (max 400µs); busy 0%; longest queue 0"},
	})
}

func TestCompactMs(t *testing.T) {
	cases := []struct {
		ms   float64
		want string
	}{
		{4990.1, "4.99s"}, {991.74, "992ms"}, {12.54, "12.5ms"}, {1.254, "1.25ms"}, {0.42, "420µs"}, {999.9, "1.00s"},
	}
	for _, tc := range cases {
		if got := report.CompactMs(tc.ms); got != tc.want {
			t.Errorf("CompactMs(%v) = %q, want %q", tc.ms, got, tc.want)
		}
		if n := utf8.RuneCountInString(report.CompactMs(tc.ms)); n > 6 {
			t.Errorf("CompactMs(%v) is %d columns wide", tc.ms, n)
		}
	}
}
