package cmd

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/blockprobe/blockprobe/report/sweep"
	"github.com/blockprobe/blockprobe/target"
)

// parameter is one thing `blockprobe sweep` can vary: a flag of run, the
// unit of its values, and how a value goes into a point's scenario and
// target.
type parameter struct {
	name     string
	unit     sweep.Unit
	whole    bool // values are whole numbers
	embedded bool // it shapes the embedded target, so needs one
	apply    func(sc *scenarioFlags, cfg *target.Config, v float64)
}

var parameters = []parameter{
	{"concurrency", sweep.Count, true, false, func(sc *scenarioFlags, _ *target.Config, v float64) { sc.concurrency = int(v) }},
	{"load-rate", sweep.PerSec, false, false, func(sc *scenarioFlags, _ *target.Config, v float64) { sc.loadRate = v }},
	{"pool", sweep.Count, true, true, func(_ *scenarioFlags, cfg *target.Config, v float64) { cfg.Pool = int(v) }},
	{"complex-delay", sweep.Millis, false, true, func(_ *scenarioFlags, cfg *target.Config, v float64) {
		cfg.ComplexDelay = time.Duration(math.Round(v * float64(time.Millisecond)))
	}},
	{"rate", sweep.PerSec, false, false, func(sc *scenarioFlags, _ *target.Config, v float64) { sc.rate = v }},
}

// parameterNamed finds a parameter by its flag's name.
func parameterNamed(flag, name string) (parameter, error) {
	names := make([]string, len(parameters))
	for i, p := range parameters {
		if p.name == name {
			return p, nil
		}
		names[i] = p.name
	}
	return parameter{}, usageErrorf("%s %q: want one of %s", flag, name, strings.Join(names, ", "))
}

// value reads one value of p as the user wrote it.
func (p parameter) value(flag, s string) (float64, error) {
	v, err := p.unit.Parse(s)
	switch {
	case err != nil:
		return 0, usageErrorf("%s: %s: %v", flag, p.name, err)
	case v < 0 || (v == 0 && p.name != "complex-delay"):
		return 0, usageErrorf("%s: %s %s: want a value above zero", flag, p.name, s)
	case p.whole && v != math.Trunc(v):
		return 0, usageErrorf("%s: %s %s: want a whole number", flag, p.name, s)
	}
	return v, nil
}

// parseVary reads --vary NAME=V1,V2,...: the parameter and its values, in
// the order given, none twice.
func parseVary(s string) (parameter, []float64, error) {
	name, list, found := strings.Cut(s, "=")
	if !found || list == "" {
		return parameter{}, nil, usageErrorf("--vary %q: want NAME=V1,V2,..., e.g. complex-delay=10ms,30ms,100ms", s)
	}
	p, err := parameterNamed("--vary", strings.TrimSpace(name))
	if err != nil {
		return p, nil, err
	}
	var values []float64
	seen := map[float64]bool{}
	for _, item := range strings.Split(list, ",") {
		v, err := p.value("--vary", item)
		if err != nil {
			return p, nil, err
		}
		if seen[v] {
			return p, nil, usageErrorf("--vary: %s names %s twice", p.name, p.unit.Format(v))
		}
		seen[v] = true
		values = append(values, v)
	}
	return p, values, nil
}

// parseBetween reads --between LO,HI for p: LO above zero (the search
// doubles it) and below HI.
func parseBetween(p parameter, s string) (lo, hi float64, err error) {
	a, b, found := strings.Cut(s, ",")
	if !found {
		return 0, 0, usageErrorf("--between %q: want LO,HI, e.g. %s,%s", s, p.unit.Format(1), p.unit.Format(64))
	}
	if lo, err = p.value("--between", a); err != nil {
		return 0, 0, err
	}
	if hi, err = p.value("--between", b); err != nil {
		return 0, 0, err
	}
	if lo <= 0 || lo >= hi {
		return 0, 0, usageErrorf("--between %s: want 0 < LO < HI", s)
	}
	return lo, hi, nil
}

// describeValues says values in p's unit: "10ms, 30ms, 100ms".
func (p parameter) describeValues(values []float64) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = p.unit.Format(v)
	}
	return strings.Join(parts, ", ")
}

// String names the parameter, for messages.
func (p parameter) String() string { return fmt.Sprintf("--%s", p.name) }
