package report

import (
	"errors"
	"strings"
	"testing"
)

func TestParseExpectations(t *testing.T) {
	runs := []string{"blocking", "async", "pooled"}
	cases := []struct {
		name string
		raw  string
		want Expectation // Raw is filled in by the test
		err  string      // a part of the error; empty when it must parse
	}{
		{"verdict", "starved", Expectation{Verdict: "starved"}, ""},
		{"verdict for a run", "async=not-starved", Expectation{Run: "async", Verdict: "not-starved"}, ""},
		{"latency threshold", "main.loaded.p99<100ms", Expectation{Endpoint: "main", Phase: "loaded", Stat: "p99", Op: "<", Value: 100}, ""},
		{"spaces around the operator", "main.baseline.p50 >= 1.5s", Expectation{Endpoint: "main", Phase: "baseline", Stat: "p50", Op: ">=", Value: 1500}, ""},
		{"count threshold for a run", "pooled:complex.loaded.errors==0", Expectation{Run: "pooled", Endpoint: "complex", Phase: "loaded", Stat: "errors", Op: "==", Value: 0}, ""},
		{"uncorrected", "main.loaded_uncorrected.max<=2s", Expectation{Endpoint: "main", Phase: "loaded_uncorrected", Stat: "max", Op: "<=", Value: 2000}, ""},
		{"unknown verdict", "sometimes", Expectation{}, "want starved, not-starved"},
		{"unknown run", "threaded=starved", Expectation{}, `no run named "threaded"`},
		{"unknown run in a threshold", "nosuch:main.loaded.p99<1s", Expectation{}, `no run named "nosuch"`},
		{"unknown endpoint", "side.loaded.p99<1s", Expectation{}, `unknown endpoint "side"`},
		{"unknown phase", "main.warmup.p99<1s", Expectation{}, `unknown phase "warmup"`},
		{"complex has no baseline", "complex.baseline.p99<1s", Expectation{}, `unknown phase "baseline"`},
		{"unknown stat", "main.loaded.p42<1s", Expectation{}, `unknown statistic "p42"`},
		{"not a duration", "main.loaded.p99<fast", Expectation{}, "not a duration"},
		{"duration without unit", "main.loaded.p99<100", Expectation{}, "not a duration"},
		{"negative count", "main.loaded.errors<-1", Expectation{}, "not a count"},
		{"no operator", "main.loaded.p99", Expectation{}, "want starved"},
		{"a negative latency can never be under", "main.loaded.p99<-5ms", Expectation{}, "can never hold"},
		{"nor under zero", "main.loaded.max<0s", Expectation{}, "can never hold"},
		{"a negative latency is always exceeded", "main.loaded.p99>-5ms", Expectation{}, "always holds"},
		{"at least zero always holds", "complex.loaded.errors>=0", Expectation{}, "always holds"},
		{"NaN is not a count", "main.loaded.count==NaN", Expectation{}, "not a count"},
		{"zero errors may hold", "main.loaded.errors<=0", Expectation{Endpoint: "main", Phase: "loaded", Stat: "errors", Op: "<=", Value: 0}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseExpectations([]string{tc.raw}, runs)
			if tc.err != "" {
				if !errors.Is(err, ErrExpectation) || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("ParseExpectations(%q) error %v, want one containing %q", tc.raw, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseExpectations(%q): %v", tc.raw, err)
			}
			tc.want.Raw = tc.raw
			if len(got) != 1 || got[0] != tc.want {
				t.Errorf("ParseExpectations(%q) = %+v, want %+v", tc.raw, got, tc.want)
			}
		})
	}
}

func TestUnmet(t *testing.T) {
	blocking, async := blockingRun(), asyncRun()
	runs := []*Report{
		New(Meta{Mode: "blocking", Target: TargetEmbedded, Config: embeddedConfig()}, blocking, blockingLoop()),
		New(Meta{Mode: "async", Target: TargetEmbedded, Config: embeddedConfig()}, async, asyncLoop()),
	}
	cases := []struct {
		name   string
		exps   []string
		failed []string // a part of each failure line, in order
	}{
		{"verdicts met", []string{"blocking=starved", "async=not-starved"}, nil},
		{"verdict unmet", []string{"blocking=not-starved"}, []string{"blocking: expected blocking=not-starved, measured starved"}},
		{"threshold on every run", []string{"main.loaded.p99<100ms"}, []string{"blocking: expected main.loaded.p99<100ms, measured 4.93s"}},
		{"threshold met", []string{"main.baseline.p99<10ms", "complex.loaded.errors==0"}, nil},
		{"a prediction refuted", []string{"async:main.loaded.p99>1s"}, []string{"async: expected async:main.loaded.p99>1s"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			exps, err := ParseExpectations(tc.exps, []string{"blocking", "async"})
			if err != nil {
				t.Fatal(err)
			}
			got := Unmet(exps, runs)
			if len(got) != len(tc.failed) {
				t.Fatalf("Unmet = %q, want %d failures like %q", got, len(tc.failed), tc.failed)
			}
			for i := range got {
				if !strings.Contains(got[i], tc.failed[i]) {
					t.Errorf("failure %d = %q, want it to contain %q", i, got[i], tc.failed[i])
				}
			}
		})
	}
}

func FuzzParseExpectations(f *testing.F) {
	for _, s := range []string{"starved", "async=not-starved", "main.loaded.p99<100ms", "pooled:complex.loaded.errors==0", "main.loaded.p99 >= 1.5s", "x:y.z.w<1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		exps, err := ParseExpectations([]string{raw}, []string{"blocking", "async"})
		if err != nil {
			if !errors.Is(err, ErrExpectation) {
				t.Errorf("error %v does not wrap ErrExpectation", err)
			}
			return
		}
		for _, e := range exps {
			if e.Verdict == "" && e.Op == "" {
				t.Errorf("%q parsed to neither a verdict nor a threshold: %+v", raw, e)
			}
		}
	})
}

// A latency bound on a row whose requests got no answer fails: percentiles
// cover answered requests only, and an unanswered request is the slowest.
func TestExpectationsOnUnansweredRows(t *testing.T) {
	r := fixtureReport(t, "blocking_partial") // every probe under load stalled
	r.Endpoints.Main.Baseline = Stats{}       // and no baseline was measured
	cases := []struct {
		exp  string
		ok   bool
		want string
	}{
		{"main.loaded.p99<250ms", false, "no answer for 40 of 40 requests"},
		{"main.loaded.max<1ms", false, "no answer"},
		{"main.loaded.p99>1s", true, ""},
		{"main.baseline.p99<1ms", false, "nothing (no request in that phase)"},
		{"main.loaded.errors==40", true, ""},
	}
	for _, tc := range cases {
		t.Run(tc.exp, func(t *testing.T) {
			exps, err := ParseExpectations([]string{tc.exp}, nil)
			if err != nil {
				t.Fatal(err)
			}
			ok, got := exps[0].Check(r)
			if ok != tc.ok || !strings.Contains(got, tc.want) {
				t.Errorf("Check(%s) = %v, %q; want %v and %q", tc.exp, ok, got, tc.ok, tc.want)
			}
		})
	}
}
