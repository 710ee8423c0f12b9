package report

import (
	"math"
	"slices"
)

// Change is how one figure of one run changed from an old set of runs to a
// new one.
type Change struct {
	// Run is the Name of the run; Figure names the figure, such as
	// "main.loaded.p99", "complex.loaded.errors" or "verdict.starved".
	Run, Figure string
	// Old and New are the figure's values: milliseconds for a latency, a
	// count for errors, 1 (starved) or 0 for the verdict. A latency of 0
	// means that no request of that endpoint and phase was answered.
	Old, New float64
	// DeltaPct is the change in percent of Old: +10 for 10% higher. It is
	// 0 when both are 0 and +Inf when only Old is.
	DeltaPct float64
	// Regression is set when the figure got worse beyond what Diff allows.
	Regression bool
	// Tolerance and FloorMs are the rule Diff judged by.
	Tolerance, FloorMs float64
}

// FigureKind says how a figure is compared and shown.
type FigureKind int

// The kinds of figures Diff compares.
const (
	LatencyFigure FigureKind = iota // milliseconds, judged with tolerance and floor
	CountFigure                     // errors, any increase is a regression
	VerdictFigure                   // 1 for starved, turning starved is a regression
	StatusFigure                    // the run's status by its rank in statusRanks, worse is a regression
)

// statusRanks order the statuses from the best: a run that failed is the
// worst news a diff can bring. A run that failed only its own --expect was
// measured well, and ranks as ok: its figures are compared.
var statusRanks = []Status{StatusOK, StatusInterrupted, StatusInconclusive, StatusFailed}

// statusRank is r's rank in statusRanks.
func statusRank(r *Report) float64 {
	if i := slices.Index(statusRanks, r.Measured()); i >= 0 {
		return float64(i)
	}
	return 0 // a report of an older blockprobe, without a status
}

// Kind is the kind of c's figure.
func (c Change) Kind() FigureKind { return kindOf(c.Figure) }

// diffFigure is one figure Diff compares.
type diffFigure struct {
	name  string
	kind  FigureKind
	value func(*Report) float64
}

// diffFigures are the figures Diff compares, in the order it reports them:
// latencies and errors, then the verdict.
var diffFigures = append(statisticFigures(figures(
	"main.baseline.p50", "main.baseline.p99",
	"main.loaded.p50", "main.loaded.p90", "main.loaded.p99", "main.loaded.max",
	"complex.loaded.p50", "complex.loaded.p99", "complex.loaded.max",
	"main.baseline.errors", "main.loaded.errors", "complex.loaded.errors",
)), diffFigure{"verdict.starved", VerdictFigure, func(r *Report) float64 {
	if r.Verdict.Starved {
		return 1
	}
	return 0
}})

func statisticFigures(fs []figure) []diffFigure {
	out := make([]diffFigure, len(fs))
	for i, f := range fs {
		out[i] = diffFigure{f.String(), CountFigure, f.Of}
		if f.Stat.Latency() {
			out[i].kind = LatencyFigure
		}
	}
	return out
}

// statusFigure is the figure Diff adds for a run whose status changed: a
// run that failed has no healthy figures, whatever they show.
const statusFigure = "status"

// kindOf is the kind of the named figure; a name Diff does not know is a
// latency.
func kindOf(figure string) FigureKind {
	if figure == statusFigure {
		return StatusFigure
	}
	for _, f := range diffFigures {
		if f.name == figure {
			return f.kind
		}
	}
	return LatencyFigure
}

// Diff compares the runs of oldRuns and newRuns, matched by Name, figure by figure:
// MainHandler's idle and loaded latencies, ComplexHandler's loaded
// latencies, the errors of each endpoint and phase, and the verdict. It
// returns every figure of every matched run, and the names of the runs
// found on one side only. A run name that occurs several times on a side
// is matched occurrence by occurrence.
//
// A latency is a regression when it rose by more than tolerance (a
// fraction: 0.1 for 10%) of its old value and by more than floorMs, below
// which changes are loopback noise; one with no answered requests on either
// side (0) is not judged. Any increase in errors is a regression, and so is
// a verdict that turned to starved. A run whose status changed gets one
// more figure, "status", a regression when it got worse (ok to failed).
// Improvements never are.
func Diff(oldRuns, newRuns []*Report, tolerance float64, floorMs float64) ([]Change, []string) {
	tolerance, floorMs = math.Max(tolerance, 0), math.Max(floorMs, 0)
	pending := map[string][]*Report{} // the new runs not yet matched, by name
	for _, r := range newRuns {
		pending[r.Name()] = append(pending[r.Name()], r)
	}
	var changes []Change
	var only []string
	for _, o := range oldRuns {
		name := o.Name()
		if len(pending[name]) == 0 {
			only = append(only, name)
			continue
		}
		n := pending[name][0]
		pending[name] = pending[name][1:]
		for _, f := range diffFigures {
			c := Change{Run: name, Figure: f.name, Old: f.value(o), New: f.value(n), Tolerance: tolerance, FloorMs: floorMs}
			c.DeltaPct = deltaPct(c.Old, c.New)
			c.Regression = isRegression(f.kind, c.Old, c.New, tolerance, floorMs)
			changes = append(changes, c)
		}
		if before, after := statusRank(o), statusRank(n); before != after {
			changes = append(changes, Change{Run: name, Figure: statusFigure, Old: before, New: after, DeltaPct: deltaPct(before, after),
				Regression: after > before, Tolerance: tolerance, FloorMs: floorMs})
		}
	}
	for _, r := range newRuns {
		if rest := pending[r.Name()]; len(rest) > 0 && rest[0] == r {
			only = append(only, r.Name())
			pending[r.Name()] = rest[1:]
		}
	}
	return changes, only
}

func deltaPct(before, after float64) float64 {
	switch {
	case before != 0:
		return (after - before) / before * 100
	case after == 0:
		return 0
	default:
		return math.Inf(1)
	}
}

func isRegression(kind FigureKind, before, after, tolerance, floorMs float64) bool {
	switch kind {
	case CountFigure, VerdictFigure, StatusFigure:
		return after > before
	default:
		worse := after - before
		return before > 0 && after > 0 && worse > floorMs && worse > tolerance*before
	}
}
