package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// FormatDuration renders d for people: whole microseconds below 1ms
// ("420µs"), milliseconds with two decimals below 1s ("12.34ms"), seconds
// with two decimals above ("4.96s").
func FormatDuration(d time.Duration) string { return FormatMs(millis(d)) }

// FormatMs is FormatDuration for a duration in float milliseconds.
func FormatMs(ms float64) string {
	sign, ms := splitSign(ms)
	if us := math.Round(ms * 1000); us < 1000 {
		if us == 0 {
			sign = ""
		}
		return sign + strconv.FormatFloat(us, 'f', 0, 64) + "µs"
	}
	if r := math.Round(ms*100) / 100; r < 1000 {
		return sign + strconv.FormatFloat(r, 'f', 2, 64) + "ms"
	}
	return sign + strconv.FormatFloat(ms/1000, 'f', 2, 64) + "s"
}

// shortMs renders a duration in float milliseconds compactly for prose and
// settings: milliseconds below 1s, seconds above, at most two decimals and
// no trailing zeros ("0.42ms", "50ms", "5s", "4.96s").
func shortMs(ms float64) string {
	sign, ms := splitSign(ms)
	unit, v := "ms", math.Round(ms*100)/100
	if v >= 1000 {
		unit, v = "s", math.Round(ms/10)/100
	}
	s := strings.TrimRight(strconv.FormatFloat(v, 'f', 2, 64), "0")
	s = strings.TrimSuffix(s, ".")
	if s == "0" {
		sign = ""
	}
	return sign + s + unit
}

// signedMs is shortMs with an explicit sign: "+4.96s", "-0.05ms".
func signedMs(ms float64) string {
	s := shortMs(ms)
	if strings.HasPrefix(s, "-") {
		return s
	}
	return "+" + s
}

func splitSign(ms float64) (string, float64) {
	if ms < 0 {
		return "-", -ms
	}
	return "", ms
}

// inconclusiveReason says why v gives no verdict. Reports written before
// the reason was recorded get it from their figures.
func inconclusiveReason(v Verdict) string {
	switch {
	case v.Reason != "":
		return v.Reason
	case v.Probes == 0:
		return "no probe under load completed"
	default:
		return fmt.Sprintf("none of %d probes under load was answered", v.Probes)
	}
}

// VerdictLine states the verdict and the numbers behind it in one line,
// e.g. "MainHandler STARVED: p99 4.96s under load vs 0.42ms idle (+4.96s > 50ms)".
func VerdictLine(v Verdict) string {
	if !v.Conclusive {
		return "MainHandler verdict INCONCLUSIVE: " + inconclusiveReason(v)
	}
	cmp := "<="
	if v.ExcessMs > v.ThresholdMs {
		cmp = ">"
	}
	idle, rule := shortMs(v.MainP99BaselineMs)+" idle", fmt.Sprintf("%s %s %s",
		signedMs(v.ExcessMs), cmp, shortMs(v.ThresholdMs))
	if v.NoBaseline {
		idle, rule = "0 idle", "no baseline measured; "+rule
	}
	loaded := shortMs(v.MainP99LoadedMs)
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

// LoopLine summarises the event loop's instrumentation in one line: the
// slowest callback and its handler, loop lag, how busy the loop was, its
// longest queue, and the pool and GIL when they were in play.
func LoopLine(l *Loop) string {
	if l == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString("Loop: slowest callback " + FormatMs(l.SlowestCallbackMs))
	if l.SlowestHandler != "" {
		b.WriteString(" in " + l.SlowestHandler)
	}
	if l.SlowestStillRunning {
		b.WriteString(" (still running)")
	}
	fmt.Fprintf(&b, "; lag p99 %s (max %s); busy %.0f%%; longest queue %d",
		FormatMs(l.LagP99Ms), FormatMs(l.LagMaxMs), l.BusyFraction*100, l.LongestQueue)
	if p := l.Pool; p != nil {
		fmt.Fprintf(&b, "; pool %d workers, max busy %d, longest queue %d", p.Size, p.MaxBusy, p.LongestQueue)
	}
	if g := l.GIL; g != nil {
		fmt.Fprintf(&b, "; GIL: %d forced switches, loop waited %s (max %s)",
			g.ForcedSwitches, FormatMs(g.LoopWaitMs), FormatMs(g.LoopWaitMaxMs))
	}
	return b.String()
}
