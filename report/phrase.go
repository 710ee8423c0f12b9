package report

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// The phrases every format says alike: the verdict, the loop's culprit, the
// target and the scenario. Each is written here once.

// ModePooled is the mode of the embedded target that hands the work to a
// pool of workers.
const ModePooled = "pooled"

// The paths a report written before they were recorded was probed at.
const (
	defaultMainPath    = "/"
	defaultComplexPath = "/complex"
)

// VerdictLine states the verdict and the numbers behind it in one line,
// e.g. "MainHandler STARVED: p99 4.96s under load vs 0.42ms idle (+4.96s > 50ms)".
func VerdictLine(v Verdict) string {
	if !v.Conclusive {
		return "MainHandler verdict INCONCLUSIVE: " + InconclusiveReason(v)
	}
	cmp := "<="
	if v.ExcessMs > v.ThresholdMs {
		cmp = ">"
	}
	idle, rule := ShortMs(v.MainP99BaselineMs)+" idle", fmt.Sprintf("%s %s %s",
		signedMs(v.ExcessMs), cmp, ShortMs(v.ThresholdMs))
	if v.NoBaseline {
		idle, rule = "0 idle", "no baseline measured; "+rule
	}
	loaded := ShortMs(v.MainP99LoadedMs)
	stalled := fmt.Sprintf("%d/%d probes under load stalled unanswered", v.Stalled, v.Probes)
	switch {
	case !v.Starved:
		return fmt.Sprintf("MainHandler not starved: p99 %s under load vs %s (%s)", loaded, idle, rule)
	case cmp == ">" && v.Stalled > 0:
		return fmt.Sprintf("MainHandler STARVED: p99 %s under load vs %s (%s); %s", loaded, idle, rule, stalled)
	case cmp == ">":
		return fmt.Sprintf("MainHandler STARVED: p99 %s under load vs %s (%s)", loaded, idle, rule)
	case v.MainP99LoadedMs == 0:
		// Any answered probe has a latency of at least 1µs, so a zero p99
		// means that none was answered.
		return "MainHandler STARVED: " + stalled + " (none was answered)"
	default:
		return fmt.Sprintf("MainHandler STARVED: %s (p99 %s vs %s, %s)", stalled, loaded, idle, signedMs(v.ExcessMs))
	}
}

// InconclusiveReason says why v gives no verdict. Reports written before
// the reason was recorded get it from their figures.
func InconclusiveReason(v Verdict) string {
	switch {
	case v.Reason != "":
		return v.Reason
	case v.Probes == 0:
		return "no probe under load completed"
	default:
		return fmt.Sprintf("none of %d probes under load was answered", v.Probes)
	}
}

// VerdictWord is the verdict in a word: "STARVED", "ok" or "inconclusive".
func VerdictWord(v Verdict) string {
	switch {
	case !v.Conclusive:
		return "inconclusive"
	case v.Starved:
		return "STARVED"
	default:
		return "ok"
	}
}

// SlowestCallback names the loop's slowest callback, the culprit of a
// blocked loop: "5.00s in ComplexHandler (still running)"; terse, for a
// table cell, "5.00s ComplexHandler"; "-" without loop figures (an
// external target).
func SlowestCallback(l *Loop, terse bool) string {
	switch {
	case l == nil || !l.Answered():
		return "-"
	case l.FromAgent():
		return slowestStall(l, terse)
	case terse && l.SlowestHandler != "":
		return FormatMs(l.SlowestCallbackMs) + " " + l.SlowestHandler
	case terse:
		return FormatMs(l.SlowestCallbackMs)
	}
	s := FormatMs(l.SlowestCallbackMs)
	if l.SlowestHandler != "" {
		s += " in " + l.SlowestHandler
	}
	if l.SlowestStillRunning {
		s += " (still running)"
	}
	return s
}

// LoopLine summarises the event loop's instrumentation in one line: the
// slowest callback and its handler, loop lag, how busy the loop was, its
// longest queue, and the pool and GIL when they were in play.
func LoopLine(l *Loop) string {
	if l == nil {
		return ""
	}
	if l.FromAgent() {
		return agentLoopLine(l)
	}
	var b strings.Builder
	b.WriteString("Loop: slowest callback " + SlowestCallback(l, false))
	fmt.Fprintf(&b, "; %s; busy %.0f%%; longest queue %d", LagPhrase(l), l.BusyFraction*100, l.LongestQueue)
	if l.Source == SourceEmbedded {
		fmt.Fprintf(&b, "; %s over %s", plural(l.StallsOver, "stall"), ShortMs(l.ThresholdMs))
	}
	if p := l.Pool; p != nil {
		fmt.Fprintf(&b, "; pool %d workers, max busy %d, longest queue %d", p.Size, p.MaxBusy, p.LongestQueue)
	}
	if g := l.GIL; g != nil {
		fmt.Fprintf(&b, "; GIL: %d forced switches, loop waited %s (max %s)",
			g.ForcedSwitches, FormatMs(g.LoopWaitMs), FormatMs(g.LoopWaitMaxMs))
	}
	return b.String()
}

// GILState says whether the embedded target modelled the GIL: "on" or
// "off".
func (c Config) GILState() string {
	if c.GIL {
		return "on"
	}
	return "off"
}

// TargetLine names the target, the mode and the target's configuration.
func TargetLine(r *Report) string {
	if r.Target != TargetEmbedded {
		return fmt.Sprintf("blockprobe run: external target %s", r.Target)
	}
	c := r.Config
	pool := ""
	if r.Mode == ModePooled {
		pool = fmt.Sprintf(", pool %d", c.Pool)
	}
	return fmt.Sprintf("blockprobe run: embedded target, mode %s (complex-delay %s, work %s%s, GIL %s)",
		r.Mode, ShortMs(c.ComplexDelayMs), c.Work, pool, c.GILState())
}

// ScenarioLine describes the requests the run sent.
func ScenarioLine(r *Report) string {
	c := r.Config
	mainPath, complexPath := c.MainPath, c.ComplexPath
	if mainPath == "" { // a report written before the paths were
		mainPath = defaultMainPath
	}
	if complexPath == "" {
		complexPath = defaultComplexPath
	}
	return fmt.Sprintf("baseline %d x GET %s, load: %s, probes GET %s at %s/s",
		c.Baseline, mainPath, loadPhrase(r, complexPath), mainPath, strconv.FormatFloat(c.Rate, 'g', -1, 64))
}

// ScenarioLines describe the requests of the runs: one line when they all
// ran the same scenario, as compare does, else one line per run.
func ScenarioLines(runs []*Report) []string {
	if len(runs) == 0 {
		return nil
	}
	lines := make([]string, len(runs))
	same := true
	for i, r := range runs {
		lines[i] = ScenarioLine(r)
		same = same && lines[i] == lines[0]
	}
	if same {
		return lines[:1]
	}
	for i, r := range runs {
		lines[i] = r.Name() + ": " + lines[i]
	}
	return lines
}

// ErrorLines lists the error classes of each row that has errors, one line
// per row; a row of which nothing was answered also says that its
// latencies are NoFigure, and how many went unanswered.
func ErrorLines(r *Report) []string {
	var lines []string
	for _, row := range TableRows(r) {
		if row.Phase == uncorrectedLabel || len(row.Stats.ErrorsByClass) == 0 {
			continue // the same requests as the corrected row
		}
		classes := make([]string, 0, len(row.Stats.ErrorsByClass))
		for class, n := range row.Stats.ErrorsByClass {
			classes = append(classes, fmt.Sprintf("%s %d", class, n))
		}
		sort.Strings(classes)
		line := fmt.Sprintf("Errors, %s %s: %s", row.Endpoint, row.Phase, strings.Join(classes, ", "))
		if !row.Stats.HasLatencies() {
			line += fmt.Sprintf(" (latencies %s: %d of %d unanswered)", NoFigure, row.Stats.Count-row.Stats.Answered(), row.Stats.Count)
		}
		lines = append(lines, line)
	}
	return lines
}
