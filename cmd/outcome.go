package cmd

import (
	"errors"
	"fmt"
	"strings"

	"github.com/blockprobe/blockprobe/report"
)

// exitCode is the exit code of a run's status (report.Status), the one
// mapping between the two: a run that failed only its expectations exits
// 1, one that failed otherwise or could not be judged 3.
func exitCode(r *report.Report) int {
	switch {
	case r.Status == report.StatusOK:
		return ExitOK
	case r.Status == report.StatusInterrupted:
		return ExitInterrupted
	case r.Status == report.StatusFailed && len(r.Unmet) > 0:
		return ExitExpectation
	default:
		return ExitTarget
	}
}

// exitPriority orders exit codes when runs disagree: interrupted before a
// failed run before unmet expectations.
var exitPriority = []int{ExitInterrupted, ExitTarget, ExitExpectation}

// judge holds runs to exps, which settles their statuses (so the reports
// say what the exit code will), and returns the outcome: nil, or the error
// of the first exit code in exitPriority that a run has.
func judge(runs []*report.Report, exps []report.Expectation) error {
	for _, r := range runs {
		r.Expect(exps)
	}
	for _, code := range exitPriority {
		var lines []string
		for _, r := range runs {
			if exitCode(r) != code {
				continue
			}
			if code == ExitExpectation {
				for _, u := range r.Unmet {
					lines = append(lines, r.Name()+": "+u)
				}
				continue
			}
			lines = append(lines, r.Name()+": "+r.StatusReason)
		}
		switch {
		case len(lines) == 0:
		case code == ExitInterrupted:
			return withCode(code, errors.New("interrupted: the report covers what was measured until then"))
		case code == ExitTarget:
			return withCode(code, fmt.Errorf("run failed: %s", strings.Join(lines, "; ")))
		default:
			return withCode(code, errors.New(strings.Join(lines, "\n")))
		}
	}
	return nil
}
