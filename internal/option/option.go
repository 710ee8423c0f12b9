// Package option is the error of a setting that cannot be used: a run's
// (probe) or a target's (target). Each package keeps its own rules and its
// own sentinel; the command line maps either to exit 2 by the setting's
// name.
package option

import "fmt"

// Error names the setting that cannot be used, by the name the command
// line gives it (Option), and says why. It errors.Is its Kind: the sentinel
// of the package whose rules refused it.
type Error struct {
	Name, Problem string
	Kind          error
}

func (e *Error) Error() string {
	if len(e.Problem) > 0 && e.Problem[0] == ':' {
		return e.Name + e.Problem // the problem brings its own colon
	}
	return e.Name + " " + e.Problem
}

// Option is the setting's command-line name.
func (e *Error) Option() string { return e.Name }

// Is matches the Kind of the refusal.
func (e *Error) Is(target error) bool { return target == e.Kind }

// Bad is an *Error of kind for the setting name, its problem in format.
func Bad(kind error, name, format string, a ...any) error {
	return &Error{Name: name, Problem: fmt.Sprintf(format, a...), Kind: kind}
}

// A Rule is one bound a setting's value must keep: Name's value Got must be
// Want ("> 0", ">= 1"), and OK says whether it is. A package's Validate is
// its list of rules, so each bound and the words that state it are written
// once, side by side.
type Rule struct {
	Name string
	OK   bool
	Want string
	Got  any
}

// First is the *Error of kind for the first rule that does not hold
// ("timeout must be > 0, got -1s"), or nil.
func First(kind error, rules ...Rule) error {
	for _, r := range rules {
		if !r.OK {
			return Bad(kind, r.Name, "must be %s, got %v", r.Want, r.Got)
		}
	}
	return nil
}

// Number is what the bounds below apply to: counts, rates and durations.
type Number interface {
	~int | ~int64 | ~float64
}

// AtLeast is the rule value >= least.
func AtLeast[T Number](name string, value, least T) Rule {
	return Rule{name, value >= least, ">= " + bound(least), value}
}

// AtMost is the rule value <= most.
func AtMost[T Number](name string, value, most T) Rule {
	return Rule{name, value <= most, "<= " + bound(most), value}
}

// PositiveOrDefault is the rule value > 0 for a setting whose zero stands
// for its default: zero passes, and the words are the command line's, where
// a zero is refused before the rules are read (there the default is the
// flag's own, and --timeout 0 is no timeout).
func PositiveOrDefault[T Number](name string, value T) Rule {
	return Rule{name, value >= 0, "> 0", value}
}

// bound writes a bound as a person would: 0, not 0s.
func bound[T Number](v T) string {
	if v == 0 {
		return "0"
	}
	return fmt.Sprint(v)
}
