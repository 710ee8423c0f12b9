package cmd

import (
	"errors"
	"fmt"
)

// Exit codes (README: Exit codes). CI jobs depend on them.
const (
	ExitOK          = 0   // done, and expectations met
	ExitExpectation = 1   // an expectation was not met
	ExitUsage       = 2   // bad usage or input
	ExitTarget      = 3   // the target could not be reached, or the run failed
	ExitOutput      = 4   // an output the user asked for could not be written
	ExitInterrupted = 130 // interrupted; the partial report was still printed
)

// exitError carries the exit code a failure maps to.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func withCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: code, err: err}
}

// usageErrorf is bad input: a flag value out of range, a wrong argument.
func usageErrorf(format string, a ...any) error {
	return withCode(ExitUsage, fmt.Errorf(format, a...))
}

// codeOf maps an error to its exit code. Errors without a code come from
// cobra's own parsing (unknown command, wrong arguments): usage errors.
func codeOf(err error) int {
	if err == nil {
		return ExitOK
	}
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return ExitUsage
}

// optionError maps a library's error about one of its options (an error
// with an Option method: probe's and target's) to a usage error that names
// the flag; other errors pass through unchanged.
func optionError(err error) error {
	var oe interface{ Option() string }
	if errors.As(err, &oe) {
		return withCode(ExitUsage, fmt.Errorf("--%w", err))
	}
	return err
}
