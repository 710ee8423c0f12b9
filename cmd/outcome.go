package cmd

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/blockprobe/blockprobe/probe"
	"github.com/blockprobe/blockprobe/report"
)

// outcome maps what was measured to the exit code: interrupted (130) before
// a failed run (3) before unmet expectations (1).
func outcome(runs []*report.Report, exps []report.Expectation) error {
	var failed []string
	for _, r := range runs {
		if r.Partial {
			return withCode(ExitInterrupted, errors.New("interrupted: the report covers what was measured until then"))
		}
		if why := failure(r); why != "" {
			failed = append(failed, r.Name()+": "+why)
		}
	}
	if len(failed) > 0 {
		return withCode(ExitTarget, fmt.Errorf("run failed: %s", strings.Join(failed, "; ")))
	}
	if unmet := report.Unmet(exps, runs); len(unmet) > 0 {
		return withCode(ExitExpectation, errors.New(strings.Join(unmet, "\n")))
	}
	return nil
}

// failure says why a run cannot be trusted, or "" when it can. It blames
// blockprobe's own limits before the target's.
func failure(r *report.Report) string {
	rows := []report.Stats{r.Endpoints.Main.Baseline, r.Endpoints.Main.Loaded, r.Endpoints.Complex.Loaded}
	own, conn := 0, 0
	for _, s := range rows {
		for class, n := range s.ErrorsByClass {
			switch {
			case probe.ErrorClass(class).Generators():
				own += n
			case class != string(probe.ErrTimeout) && class != string(probe.ErrCanceled) && !probe.IsStatusKey(class):
				conn += n
			}
		}
	}
	if own > 0 {
		why := r.Verdict.Reason
		if why == "" {
			why = fmt.Sprintf("blockprobe itself failed %d requests (%s)", own, classes(rows...))
		}
		return fmt.Sprintf("no verdict: %s (blockprobe's own limit, not the target's)", why)
	}
	if conn > 0 {
		return fmt.Sprintf("%d requests failed at the connection level (%s): the target failed during the run", conn, classes(rows...))
	}
	c := r.Endpoints.Complex.Loaded
	if !r.Verdict.Conclusive {
		why := "no verdict: " + r.Verdict.Reason
		if c.Errors > 0 && c.OK == 0 {
			why += fmt.Sprintf(" (%s); check --complex-path", classes(c))
		}
		return why
	}
	if m := r.Endpoints.Main.Loaded; m.Count > 0 && m.OK == 0 && m.Answered() > 0 {
		return fmt.Sprintf("none of %d MainHandler probes got a 2xx answer (%s): check --main-path", m.Count, classes(m))
	}
	return ""
}

// classes lists the error classes of rows, added up, e.g.
// "status_404 12, timeout 1".
func classes(rows ...report.Stats) string {
	sum := map[string]int{}
	for _, s := range rows {
		for k, n := range s.ErrorsByClass {
			sum[k] += n
		}
	}
	keys := slices.Sorted(maps.Keys(sum))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, sum[k])
	}
	return strings.Join(parts, ", ")
}
