package sweep

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/blockprobe/blockprobe/report"
)

// Expectation is a condition on a sweep's capacity, for CI: "capacity>=8",
// "capacity>=30ms" (in the unit of the parameter).
type Expectation struct {
	Raw   string
	Op    string
	Value float64
}

// ErrExpectation marks an expectation that cannot be parsed: a usage error.
var ErrExpectation = errors.New("bad expectation")

var capacityRE = regexp.MustCompile(`^capacity\s*(<=|>=|==|!=|<|>)\s*(\S+)$`)

// ParseExpectation parses a capacity expectation whose value is in unit.
func ParseExpectation(raw string, unit Unit) (Expectation, error) {
	m := capacityRE.FindStringSubmatch(raw)
	if m == nil {
		return Expectation{}, fmt.Errorf("%w %q: a sweep expects of its capacity, as capacity>=8 or capacity>=30ms (a figure's limit goes in --slo)", ErrExpectation, raw)
	}
	v, err := unit.Parse(m[2])
	if err != nil {
		return Expectation{}, fmt.Errorf("%w %q: %v, in the unit of the parameter", ErrExpectation, raw, err)
	}
	return Expectation{Raw: raw, Op: m[1], Value: v}, nil
}

// Check evaluates e on s; got says what was measured. Without a first value
// that broke the SLO, the capacity is only known to be at least the largest
// value tried: e holds when it holds for every capacity from there up.
func (e Expectation) Check(s *Sweep) (ok bool, got string) {
	if s.Capacity == nil {
		if len(s.Points) == 0 {
			return false, "no capacity (no point was measured)"
		}
		return false, fmt.Sprintf("no capacity (%s, the lowest value tried, already broke the SLO)", s.Points[0].Label)
	}
	c := *s.Capacity
	got = s.Unit.Format(c)
	if s.FirstBroken == nil {
		got = fmt.Sprintf("at least %s (every value tried met the SLO)", got)
		switch e.Op {
		case ">", ">=":
		case "!=":
			return c > e.Value, got
		default:
			return false, got
		}
	}
	return report.Holds(c, e.Op, e.Value), got
}

// Unmet checks every expectation on s and returns one line per failure,
// e.g. "expected capacity>=100ms, measured 30ms".
func Unmet(exps []Expectation, s *Sweep) []string {
	var failed []string
	for _, e := range exps {
		if ok, got := e.Check(s); !ok {
			failed = append(failed, fmt.Sprintf("expected %s, measured %s", e.Raw, got))
		}
	}
	return failed
}
