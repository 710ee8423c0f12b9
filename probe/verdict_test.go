package probe

import (
	"strings"
	"testing"
	"time"
)

func stats(p99 time.Duration, answered int, errs map[string]int) Stats {
	s := Stats{Count: answered, OK: answered, P99: p99, ErrorsByClass: errs}
	for _, n := range errs {
		s.Count += n
		s.Errors += n
	}
	return s
}

func TestJudge(t *testing.T) {
	ms := time.Millisecond
	threshold := 50 * ms
	idle := stats(ms, 20, nil)
	cases := []struct {
		name                string
		baseline, loaded    Stats
		stalled             int
		starved, conclusive bool
		noBaseline          bool
	}{
		{"far above", idle, stats(4960*ms, 99, nil), 0, true, true, false},
		{"exactly at the threshold is not starved", idle, stats(51*ms, 99, nil), 0, false, true, false},
		{"a microsecond over is starved", idle, stats(51*ms+time.Microsecond, 99, nil), 0, true, true, false},
		{"flat", idle, stats(2*ms, 99, nil), 0, false, true, false},
		{"faster than idle", idle, stats(ms/2, 99, nil), 0, false, true, false},
		{"no baseline compares with zero", stats(0, 0, nil), stats(60*ms, 9, nil), 0, true, true, true},
		{"no baseline, fast", stats(0, 0, map[string]int{"refused": 20}), stats(10*ms, 9, nil), 0, false, true, true},
		{"all refused is inconclusive", idle, stats(0, 0, map[string]int{"refused": 9}), 0, false, false, false},
		{"no probes is inconclusive", idle, Stats{}, 0, false, false, false},
		{"stalled probes are starvation", idle, stats(2*ms, 5, map[string]int{"timeout": 4}), 4, true, true, false},
		{"quick timeouts are not", idle, stats(2*ms, 5, map[string]int{"timeout": 4}), 0, false, true, false},
		{"one stalled probe in 200 is within the p99", idle, stats(2*ms, 199, map[string]int{"timeout": 1}), 1, false, true, false},
		{"three stalled in 200 are beyond it", idle, stats(2*ms, 197, map[string]int{"timeout": 3}), 3, true, true, false},
		{"all stalled is starvation", idle, stats(0, 0, map[string]int{"timeout": 9}), 9, true, true, false},
		{"503s are answers", idle, stats(2*ms, 0, map[string]int{"status_503": 9}), 0, false, true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := Judge(tc.baseline, tc.loaded, tc.stalled, threshold)
			if v.Starved != tc.starved || v.Conclusive != tc.conclusive || v.NoBaseline != tc.noBaseline {
				t.Errorf("Judge = starved %v conclusive %v no-baseline %v; want %v %v %v",
					v.Starved, v.Conclusive, v.NoBaseline, tc.starved, tc.conclusive, tc.noBaseline)
			}
		})
	}
}

func TestQualify(t *testing.T) {
	ms := time.Millisecond
	idle := stats(ms, 20, nil)
	starved := Judge(idle, stats(600*ms, 99, nil), 0, 50*ms)
	fine := Judge(idle, stats(2*ms, 99, nil), 0, 50*ms)
	oneLoad := stats(300*ms, 1, nil)
	cases := []struct {
		name       string
		v          Verdict
		load       Stats
		lag        time.Duration
		fromFired  time.Duration
		conclusive bool
		reason     string
	}{
		{"starved under load", starved, oneLoad, ms, 590 * ms, true, ""},
		{"not starved under load", fine, oneLoad, ms, 2 * ms, true, ""},
		{"no load sent", fine, Stats{}, 0, 0, false, "no ComplexHandler request was sent"},
		{"no load succeeded", fine, stats(0, 0, map[string]int{"status_404": 3}), 0, 0, false, "none of 3 ComplexHandler requests succeeded"},
		{"load still being worked on counts", starved, stats(0, 0, map[string]int{"timeout": 1}), ms, 590 * ms, true, ""},
		{"lag explains the rise", starved, oneLoad, 594 * ms, 6 * ms, false, "the generator fell behind"},
		{"a late probe still waited on a stalled target", starved, oneLoad, 100 * ms, 500 * ms, true, ""},
		{"some lag, most of the rise the target's", starved, oneLoad, 250 * ms, 40 * ms, true, ""},
		{"lag does not undo a clean verdict", fine, oneLoad, 500 * ms, 1 * ms, true, ""},
		{"out of descriptors", fine, stats(300*ms, 1, map[string]int{"generator_limit": 2}), 0, 0, false, "ran out of its own resources"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := tc.v.Qualify(tc.load, stats(2*ms, 99, nil), tc.lag, tc.fromFired)
			if v.Conclusive != tc.conclusive || !strings.Contains(v.Reason, tc.reason) || (v.Reason == "") != tc.conclusive {
				t.Errorf("conclusive %v, reason %q; want %v, %q", v.Conclusive, v.Reason, tc.conclusive, tc.reason)
			}
			if !v.Conclusive && v.Starved {
				t.Error("an inconclusive verdict says starved")
			}
		})
	}
}
