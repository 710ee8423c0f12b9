package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/blockprobe/blockprobe/probe"
)

// Status is what a run came to, in one word a CI job can read without
// parsing figures. Every format states it first, and blockprobe's exit
// code follows from it (cmd/exit.go): ok 0, failed 1 (an expectation) or 3
// (the run), inconclusive 3, interrupted 130.
type Status string

// The statuses of a run.
const (
	// StatusOK: measured and judged, and every expectation met.
	StatusOK Status = "ok"
	// StatusFailed: the target could not be reached or failed during the
	// run, or the run did not meet an expectation (Unmet says which).
	StatusFailed Status = "failed"
	// StatusInconclusive: measured, but with nothing to judge, or judged by
	// a generator that fell behind; the verdict is withdrawn.
	StatusInconclusive Status = "inconclusive"
	// StatusInterrupted: stopped before its end; the figures are partial.
	StatusInterrupted Status = "interrupted"
)

// interruptedReason is the status reason of an interrupted run.
const interruptedReason = "interrupted: the report covers what was measured until then"

// settle gives r the status of what it measured, and withdraws the
// verdict of a run that failed or could not be judged, so that no field
// of the report looks healthy when the run was not. It is the one place
// that decides a run's status; Expect adds what expectations say.
func (r *Report) settle() {
	r.Status, r.StatusReason = r.assess()
	r.Unmet = nil
	switch r.Status {
	case StatusFailed, StatusInconclusive:
		if r.Verdict.Conclusive {
			r.Verdict.Conclusive = false
			r.Verdict.Reason = r.StatusReason
		}
		r.Verdict.Summary = VerdictLine(r.Verdict)
	case StatusOK:
		r.StatusReason = r.Verdict.Summary
	}
}

// assess says what r's measurements came to, and why. It blames
// blockprobe's own limits before the target's.
func (r *Report) assess() (Status, string) {
	if r.Partial {
		return StatusInterrupted, interruptedReason
	}
	if r.unmeasured() {
		return StatusFailed, "not measured: " + r.Verdict.Reason
	}
	rows := []Stats{r.Endpoints.Main.Baseline, r.Endpoints.Main.Loaded, r.Endpoints.Complex.Loaded}
	own, conn := 0, 0
	for _, s := range rows {
		for class, n := range s.ErrorsByClass {
			switch {
			case probe.ErrorClass(class).Generators():
				own += n
			case !slices.Contains(notFailures, probe.ErrorClass(class)) && !probe.IsStatusKey(class):
				conn += n
			}
		}
	}
	if own > 0 {
		why := r.Verdict.Reason
		if why == "" {
			why = fmt.Sprintf("blockprobe itself failed %d requests (%s)", own, ErrorClasses(rows...))
		}
		return StatusInconclusive, fmt.Sprintf("no verdict: %s (blockprobe's own limit, not the target's)", why)
	}
	if conn > 0 {
		return StatusFailed, fmt.Sprintf("%d requests failed at the connection level (%s): the target failed during the run", conn, ErrorClasses(rows...))
	}
	c := r.Endpoints.Complex.Loaded
	if !r.Verdict.Conclusive {
		why := "no verdict: " + InconclusiveReason(r.Verdict)
		if c.Errors > 0 && c.OK == 0 {
			why += fmt.Sprintf(" (%s); check --complex-path", ErrorClasses(c))
		}
		return StatusInconclusive, why
	}
	if m := r.Endpoints.Main.Loaded; m.Count > 0 && m.OK == 0 && m.Answered() > 0 {
		return StatusFailed, fmt.Sprintf("none of %d MainHandler probes got a 2xx answer (%s): check --main-path", m.Count, ErrorClasses(m))
	}
	return StatusOK, ""
}

// notFailures are the error classes that do not say the target failed:
// it was slow (a timeout), the run was interrupted, or the run stopped
// waiting for its load (cut_off).
var notFailures = []probe.ErrorClass{probe.ErrTimeout, probe.ErrCanceled, probe.ErrCutOff}

// unmeasured says whether r is the report of a run that measured nothing
// (Unmeasured).
func (r *Report) unmeasured() bool {
	for _, row := range r.Rows() {
		if row.Stats.Count > 0 {
			return false
		}
	}
	return !r.Verdict.Conclusive && len(r.Requests) == 0
}

// Expect holds r to exps (those for its run): a run that measured well but
// missed one fails, and Unmet lists what it missed. A run that failed or
// was interrupted keeps its status: its figures cannot be held to anything.
// A saved run that failed only its expectations is held to the new ones
// instead; without any, every run keeps its status.
func (r *Report) Expect(exps []Expectation) {
	if len(exps) == 0 {
		return
	}
	if r.Status = r.Measured(); r.Status == StatusOK && len(r.Unmet) > 0 {
		r.StatusReason = r.Verdict.Summary
	}
	if r.Status != StatusOK {
		return
	}
	r.Unmet = nil
	for _, e := range exps {
		if e.Run != "" && e.Run != r.Name() {
			continue
		}
		if ok, got := e.Check(r); !ok {
			r.Unmet = append(r.Unmet, fmt.Sprintf("expected %s, measured %s", e.Raw, got))
		}
	}
	if len(r.Unmet) > 0 {
		r.Status, r.StatusReason = StatusFailed, "expectation not met: "+strings.Join(r.Unmet, "; ")
	}
}

// ErrorClasses lists the error classes of rows, added up, e.g.
// "status_404 12, timeout 1".
func ErrorClasses(rows ...Stats) string {
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

// Headline is the first thing every format says of r: for a run that went
// well its verdict line; otherwise its status in capitals and the reason,
// e.g. "FAILED: none of 20 MainHandler probes got a 2xx answer (...)".
func Headline(r *Report) string {
	if r.Status == StatusOK || r.Status == "" {
		return VerdictLine(r.Verdict)
	}
	reason := r.StatusReason
	if r.Status == StatusInterrupted {
		reason = strings.TrimPrefix(reason, "interrupted: ")
	}
	return strings.ToUpper(string(r.Status)) + ": " + reason
}

// VerdictLines are the lines every format leads a run with: its Headline,
// then the verdict line when the run was judged and the headline is not
// already it (an expectation missed, an interrupt).
func VerdictLines(r *Report) []string {
	lines := []string{Headline(r)}
	if line := VerdictLine(r.Verdict); line != lines[0] && r.Verdict.Conclusive {
		lines = append(lines, line)
	}
	return lines
}

// Measured is r's status as its measurement left it: a run that failed
// only its --expect was measured well, and is ok here.
func (r *Report) Measured() Status {
	if r.Status == StatusFailed && len(r.Unmet) > 0 {
		return StatusOK
	}
	return r.Status
}

// StatusWord is a run's outcome in a word for tables: "FAILED" for a run
// that failed, else its verdict in a word (VerdictWord).
func StatusWord(r *Report) string { return statusWord(r.Measured(), r.Verdict) }

// statusWord is StatusWord of a run measured to status with verdict v.
func statusWord(status Status, v Verdict) string {
	if status == StatusFailed {
		return "FAILED"
	}
	return VerdictWord(v)
}
