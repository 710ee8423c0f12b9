package report

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Expectation is one condition a CI job or a student puts on a run: a
// verdict ("starved", "blocking=not-starved") or a threshold on a figure,
// k6-style ("main.loaded.p99<100ms", "async:complex.loaded.errors==0").
type Expectation struct {
	Raw string
	// Run names the run it applies to; empty means every run.
	Run string
	// Verdict is "starved" or "not-starved" for a verdict expectation.
	Verdict string
	// Endpoint, Phase, Stat, Op and Value make a threshold. Value is in
	// milliseconds for latencies and a plain number for counts.
	Endpoint, Phase, Stat, Op string
	Value                     float64
}

// ErrExpectation marks an expectation that cannot be parsed or names
// something that does not exist: a usage error, never silently true.
var ErrExpectation = errors.New("bad expectation")

var thresholdRE = regexp.MustCompile(`^(?:(.+):)?([a-z]+)\.([a-z_]+)\.([a-z0-9]+)\s*(<=|>=|==|!=|<|>)\s*(\S+)$`)

// loopThresholdRE is a threshold on a figure of the event loop, which has
// no phase: "loop.lag_p99<50ms", "async:loop.stalls==0".
var loopThresholdRE = regexp.MustCompile(`^(?:(.+):)?(loop)\.([a-z0-9_]+)\s*(<=|>=|==|!=|<|>)\s*(\S+)$`)

// ParseExpectations parses expectations. runs are the names of the runs
// they may name (the modes or labels of a compare, the one run of `run`);
// an expectation that names another is an error.
func ParseExpectations(list []string, runs []string) ([]Expectation, error) {
	var out []Expectation
	for _, raw := range list {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		e, err := parseExpectation(raw, runs)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func parseExpectation(raw string, runs []string) (Expectation, error) {
	bad := func(format string, a ...any) (Expectation, error) {
		return Expectation{}, fmt.Errorf("%w %q: "+format, append([]any{ErrExpectation, raw}, a...)...)
	}
	e := Expectation{Raw: raw}
	var value string
	if m := loopThresholdRE.FindStringSubmatch(raw); m != nil {
		e.Run, e.Endpoint, e.Stat, e.Op, value = m[1], m[2], m[3], m[4], m[5]
	} else if m := thresholdRE.FindStringSubmatch(raw); m != nil {
		e.Run, e.Endpoint, e.Phase, e.Stat, e.Op, value = m[1], m[2], m[3], m[4], m[5], m[6]
	}
	if e.Op != "" {
		f, err := newFigure(e.Endpoint, e.Phase, e.Stat)
		switch {
		case err != nil:
			return bad("%v", err)
		case f.Stat.Latency():
			d, err := time.ParseDuration(value)
			if err != nil {
				return bad("%q is not a duration such as 100ms or 1.5s", value)
			}
			e.Value = float64(d) / float64(time.Millisecond)
		default:
			n, err := strconv.ParseFloat(value, 64)
			if err != nil || n < 0 || math.IsNaN(n) || math.IsInf(n, 0) || n != math.Trunc(n) {
				return bad("%q is not a count (a whole number)", value)
			}
			e.Value = n
		}
		if why := vacuous(e.Op, e.Value); why != "" {
			return bad("%s: no figure is below zero", why)
		}
	} else {
		run, verdict, found := strings.Cut(raw, "=")
		if !found {
			run, verdict = "", raw
		}
		if verdict != "starved" && verdict != "not-starved" {
			return bad("want starved, not-starved, RUN=starved or a threshold such as main.loaded.p99<100ms or loop.slowest_stall<100ms")
		}
		e.Run, e.Verdict = run, verdict
	}
	if e.Run != "" && !slices.Contains(runs, e.Run) {
		return bad("no run named %q (runs: %s)", e.Run, strings.Join(runs, ", "))
	}
	return e, nil
}

// vacuous says whether a threshold on a figure that is never negative
// (every latency and count) can never hold or always holds: a CI check
// that decides nothing.
func vacuous(op string, v float64) string {
	never := v < 0 && (op == "<" || op == "<=" || op == "==") || v == 0 && op == "<"
	always := v < 0 && (op == ">" || op == ">=" || op == "!=") || v == 0 && op == ">="
	switch {
	case never:
		return "it can never hold"
	case always:
		return "it always holds"
	}
	return ""
}

// Check evaluates e on r; got describes the measured value.
func (e Expectation) Check(r *Report) (ok bool, got string) {
	if e.Verdict != "" {
		got = "not-starved"
		if r.Verdict.Starved {
			got = "starved"
		}
		return got == e.Verdict, got
	}
	if e.Endpoint == EndpointLoop {
		return e.checkLoop(r)
	}
	v, isLatency, s := e.figure(r)
	switch {
	case !isLatency:
		return Holds(v, e.Op, e.Value), strconv.FormatFloat(v, 'f', -1, 64)
	case s.Count == 0:
		// Nothing measured fails whatever the bound, as in checkLoop: the
		// infinity that stands for no latency would meet a lower bound.
		return false, "nothing (no request in that phase)"
	case math.IsInf(v, 1):
		got = fmt.Sprintf("no answer for %d of %d requests", s.Count-s.Answered(), s.Count)
	default:
		got = FormatMs(v)
	}
	return Holds(v, e.Op, e.Value), got
}

// checkLoop evaluates a threshold on a loop figure. A run without that
// figure fails it, whatever the bound: a CI job that asks for the loop's
// figures must not pass because nobody measured them.
func (e Expectation) checkLoop(r *Report) (bool, string) {
	f, err := newLoopFigure(e.Stat)
	if err != nil { // not parsed by ParseExpectations: it holds for nothing
		return false, err.Error()
	}
	v, missing := f.Stat.OfLoop(r.Loop)
	switch {
	case missing != "":
		return false, "nothing: " + missing
	case f.Stat.Latency():
		return Holds(v, e.Op, e.Value), FormatMs(v)
	}
	return Holds(v, e.Op, e.Value), strconv.FormatFloat(v, 'f', -1, 64)
}

// Holds reports whether v op bound holds, for the operators of an
// expectation: < <= > >= == !=.
func Holds(v float64, op string, bound float64) bool {
	switch op {
	case "<":
		return v < bound
	case "<=":
		return v <= bound
	case ">":
		return v > bound
	case ">=":
		return v >= bound
	case "==":
		return v == bound
	case "!=":
		return v != bound
	}
	return false
}

// figure reads the statistic e names from r, with the row it comes from.
// Percentiles cover answered requests only, so a latency figure counts a
// request that got no answer as infinitely slow: the p-th percentile is
// infinite once more than 1-p of the requests went unanswered, the max and
// the mean once any did, and every latency of a row without requests. An
// upper bound on a row of timeouts must fail, never pass on a zero.
func (e Expectation) figure(r *Report) (float64, bool, Stats) {
	var s Stats
	if row := r.Stats(e.Endpoint, e.Phase); row != nil {
		s = *row
	}
	f, err := newFigure(e.Endpoint, e.Phase, e.Stat)
	if err != nil { // not parsed by ParseExpectations: it holds for nothing
		return math.NaN(), false, s
	}
	if f.Stat.Latency() && f.Stat.Beyond(s) {
		return math.Inf(1), true, s
	}
	return f.Stat.Of(s), f.Stat.Latency(), s
}
