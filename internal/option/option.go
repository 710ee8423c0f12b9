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
