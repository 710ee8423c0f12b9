package report_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

func TestParseExpectations(t *testing.T) {
	runs := []string{"blocking", "async", "pooled"}
	cases := []struct {
		name string
		raw  string
		want report.Expectation // Raw is filled in by the test
		err  string             // a part of the error; empty when it must parse
	}{
		{"verdict", "starved", report.Expectation{Verdict: "starved"}, ""},
		{"verdict for a run", "async=not-starved", report.Expectation{Run: "async", Verdict: "not-starved"}, ""},
		{"latency threshold", "main.loaded.p99<100ms", report.Expectation{Endpoint: "main", Phase: "loaded", Stat: "p99", Op: "<", Value: 100}, ""},
		{"spaces around the operator", "main.baseline.p50 >= 1.5s", report.Expectation{Endpoint: "main", Phase: "baseline", Stat: "p50", Op: ">=", Value: 1500}, ""},
		{"count threshold for a run", "pooled:complex.loaded.errors==0", report.Expectation{Run: "pooled", Endpoint: "complex", Phase: "loaded", Stat: "errors", Op: "==", Value: 0}, ""},
		{"uncorrected", "main.loaded_uncorrected.max<=2s", report.Expectation{Endpoint: "main", Phase: "loaded_uncorrected", Stat: "max", Op: "<=", Value: 2000}, ""},
		{"unknown verdict", "sometimes", report.Expectation{}, "want starved, not-starved"},
		{"unknown run", "threaded=starved", report.Expectation{}, `no run named "threaded"`},
		{"unknown run in a threshold", "nosuch:main.loaded.p99<1s", report.Expectation{}, `no run named "nosuch"`},
		{"unknown endpoint", "side.loaded.p99<1s", report.Expectation{}, `unknown endpoint "side"`},
		{"unknown phase", "main.warmup.p99<1s", report.Expectation{}, `unknown phase "warmup"`},
		{"complex has no baseline", "complex.baseline.p99<1s", report.Expectation{}, `unknown phase "baseline"`},
		{"unknown stat", "main.loaded.p42<1s", report.Expectation{}, `unknown statistic "p42"`},
		{"not a duration", "main.loaded.p99<fast", report.Expectation{}, "not a duration"},
		{"duration without unit", "main.loaded.p99<100", report.Expectation{}, "not a duration"},
		{"negative count", "main.loaded.errors<-1", report.Expectation{}, "not a count"},
		{"no operator", "main.loaded.p99", report.Expectation{}, "want starved"},
		{"a negative latency can never be under", "main.loaded.p99<-5ms", report.Expectation{}, "can never hold"},
		{"nor under zero", "main.loaded.max<0s", report.Expectation{}, "can never hold"},
		{"a negative latency is always exceeded", "main.loaded.p99>-5ms", report.Expectation{}, "always holds"},
		{"at least zero always holds", "complex.loaded.errors>=0", report.Expectation{}, "always holds"},
		{"NaN is not a count", "main.loaded.count==NaN", report.Expectation{}, "not a count"},
		{"a count is a whole number", "loop.stalls==1.5", report.Expectation{}, "not a count (a whole number)"},
		{"zero errors may hold", "main.loaded.errors<=0", report.Expectation{Endpoint: "main", Phase: "loaded", Stat: "errors", Op: "<=", Value: 0}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := report.ParseExpectations([]string{tc.raw}, runs)
			if tc.err != "" {
				if !errors.Is(err, report.ErrExpectation) || !strings.Contains(err.Error(), tc.err) {
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

func TestExpect(t *testing.T) {
	blocking, async := fixture.Named(t, "blocking_starved"), fixture.Named(t, "async_not_starved")
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
			exps, err := report.ParseExpectations(tc.exps, []string{"blocking", "async"})
			if err != nil {
				t.Fatal(err)
			}
			runs := []*report.Report{
				report.New(report.Meta{Mode: "blocking", Target: report.TargetEmbedded, Config: fixture.EmbeddedConfig()}, blocking.Result, blocking.Loop),
				report.New(report.Meta{Mode: "async", Target: report.TargetEmbedded, Config: fixture.EmbeddedConfig()}, async.Result, async.Loop),
			}
			var got []string
			for _, r := range runs {
				r.Expect(exps)
				for _, u := range r.Unmet {
					got = append(got, r.Name()+": "+u)
				}
				if want := len(r.Unmet) > 0; want != (r.Status == report.StatusFailed) {
					t.Errorf("%s: status %s with %d expectations unmet", r.Name(), r.Status, len(r.Unmet))
				}
			}
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
		exps, err := report.ParseExpectations([]string{raw}, []string{"blocking", "async"})
		if err != nil {
			if !errors.Is(err, report.ErrExpectation) {
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
// Any latency expectation on a row of no request fails, whatever its
// bound; a count of it is a count like any other.
func TestExpectationsOnUnansweredRows(t *testing.T) {
	r := fixture.Report(t, "blocking_partial") // every probe under load stalled
	r.Endpoints.Main.Baseline = report.Stats{} // and no baseline was measured
	cases := []struct {
		exp  string
		ok   bool
		want string
	}{
		{"main.loaded.p99<250ms", false, "no answer for 40 of 40 requests"},
		{"main.loaded.max<1ms", false, "no answer"},
		{"main.loaded.p99>1s", true, ""},
		{"main.baseline.p99<1ms", false, "nothing (no request in that phase)"},
		{"main.baseline.p99>1ms", false, "nothing (no request in that phase)"},
		{"main.baseline.mean!=1ms", false, "nothing (no request in that phase)"},
		{"main.baseline.count==0", true, ""},
		{"main.baseline.errors<1", true, ""},
		{"main.loaded.errors==40", true, ""},
	}
	for _, tc := range cases {
		t.Run(tc.exp, func(t *testing.T) {
			exps, err := report.ParseExpectations([]string{tc.exp}, nil)
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
