package report

import "math"

// Margin says how far r's figure lies from the line e draws, as a share of
// the line: positive on the side where e holds, negative where it does not
// (0.1: 10% inside). A verdict expectation's line is the starvation
// threshold, measured on the rise of MainHandler's p99. A figure with no
// line to be near (an equality, a run without a verdict) is infinitely far
// on its side. A search uses it to measure again a point that lands close
// to the line, where noise can flip it.
func (e Expectation) Margin(r *Report) float64 {
	ok, _ := e.Check(r)
	far := math.Inf(1)
	if !ok {
		far = math.Inf(-1)
	}
	var v, line float64
	below := false // e holds below the line
	switch {
	case e.Verdict != "":
		if !r.Verdict.Conclusive {
			return far
		}
		v, line, below = r.Verdict.ExcessMs, r.Verdict.ThresholdMs, e.Verdict == "not-starved"
	case e.Op == "==" || e.Op == "!=":
		return far
	default:
		v, _, _ = e.figure(r)
		line, below = e.Value, e.Op == "<" || e.Op == "<="
	}
	if math.IsInf(v, 0) || line == 0 {
		return far
	}
	m := (v - line) / math.Abs(line)
	if below {
		m = -m
	}
	return m
}
