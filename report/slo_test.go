package report

import (
	"math"
	"testing"
)

func TestMargin(t *testing.T) {
	r := &Report{}
	r.Endpoints.Main.Loaded = Stats{Count: 10, OK: 10, P99Ms: 45, MaxMs: 50}
	r.Verdict = Verdict{Conclusive: true, ThresholdMs: 50, ExcessMs: 60}
	cases := []struct {
		expect string
		want   float64
	}{
		{"main.loaded.p99<50ms", 0.1},    // 5ms inside a 50ms line
		{"main.loaded.p99<40ms", -0.125}, // 5ms beyond a 40ms line
		{"main.loaded.p99>=30ms", 0.5},   // above, where it holds
		{"not-starved", -0.2},            // the rise, 60ms, is 10ms over the 50ms threshold
		{"main.loaded.count==10", math.Inf(1)},
		{"main.loaded.count!=10", math.Inf(-1)},
	}
	for _, tc := range cases {
		t.Run(tc.expect, func(t *testing.T) {
			exps, err := ParseExpectations([]string{tc.expect}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := exps[0].Margin(r); math.Abs(got-tc.want) > 1e-9 && got != tc.want {
				t.Errorf("Margin = %v, want %v", got, tc.want)
			}
		})
	}
	inconclusive := &Report{}
	exps, _ := ParseExpectations([]string{"not-starved"}, nil)
	if m := exps[0].Margin(inconclusive); !math.IsInf(m, 0) {
		t.Errorf("a run without a verdict lies %v from the line, want infinitely far", m)
	}
}
