package report

import "time"

// Unmeasured is the report of a run that measured nothing, because its
// target could not be started or reached: it keeps the run's place among
// others (a comparison) and says why, with no figures and no verdict.
func Unmeasured(meta Meta, reason string) *Report {
	r := &Report{
		Mode:    meta.Mode,
		Target:  meta.Target,
		Label:   meta.Label,
		Command: meta.Command,
		Started: time.Now().Round(0),
		Config:  meta.Config,
		Notes:   append(append([]string(nil), meta.Notes...), "not measured: "+reason),
		Verdict: Verdict{Reason: reason, ThresholdMs: meta.Config.StarveThresholdMs},
	}
	r.Verdict.Summary = VerdictLine(r.Verdict)
	r.Requests = []Request{}
	r.settle()
	r.Explanation = Explain(r)
	return r
}
