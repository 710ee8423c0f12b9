package report

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter/tw"
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

	// tolerance and floorMs are the rule Diff judged by, for WriteDiff's
	// summary.
	tolerance, floorMs float64
}

// figureKind says how a figure is compared and shown.
type figureKind int

const (
	latencyFigure figureKind = iota // milliseconds, judged with tolerance and floor
	countFigure                     // errors, any increase is a regression
	verdictFigure                   // 1 for starved, turning starved is a regression
)

// diffFigure is one figure Diff compares.
type diffFigure struct {
	name  string
	kind  figureKind
	value func(*Report) float64
}

// diffFigures are the figures Diff compares, in the order it reports them:
// latencies and errors, then the verdict.
var diffFigures = append(statisticFigures(Figures(
	"main.baseline.p50", "main.baseline.p99",
	"main.loaded.p50", "main.loaded.p90", "main.loaded.p99", "main.loaded.max",
	"complex.loaded.p50", "complex.loaded.p99", "complex.loaded.max",
	"main.baseline.errors", "main.loaded.errors", "complex.loaded.errors",
)), diffFigure{"verdict.starved", verdictFigure, func(r *Report) float64 {
	if r.Verdict.Starved {
		return 1
	}
	return 0
}})

func statisticFigures(figures []Figure) []diffFigure {
	out := make([]diffFigure, len(figures))
	for i, f := range figures {
		out[i] = diffFigure{f.String(), countFigure, f.Of}
		if f.Stat.Latency() {
			out[i].kind = latencyFigure
		}
	}
	return out
}

// kindOf is the kind of the named figure; a name Diff does not know is a
// latency.
func kindOf(figure string) figureKind {
	for _, f := range diffFigures {
		if f.name == figure {
			return f.kind
		}
	}
	return latencyFigure
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
// a verdict that turned to starved. Improvements never are.
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
			c := Change{Run: name, Figure: f.name, Old: f.value(o), New: f.value(n), tolerance: tolerance, floorMs: floorMs}
			c.DeltaPct = deltaPct(c.Old, c.New)
			c.Regression = isRegression(f.kind, c.Old, c.New, tolerance, floorMs)
			changes = append(changes, c)
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

func isRegression(kind figureKind, before, after, tolerance, floorMs float64) bool {
	switch kind {
	case countFigure, verdictFigure:
		return after > before
	default:
		worse := after - before
		return before > 0 && after > 0 && worse > floorMs && worse > tolerance*before
	}
}

// WriteDiff writes the changes of Diff for people: a table of each run's
// figures, old and new, with the change and a REGRESSION marker, then the
// runs found on one side only, and a summary line such as
// "2 regressions beyond 10% (and 1ms)".
func WriteDiff(w io.Writer, changes []Change, only []string) error {
	bw := bufio.NewWriter(w)
	left, right := tw.AlignLeft, tw.AlignRight
	header := []string{"RUN", "FIGURE", "OLD", "NEW", "CHANGE", ""}
	rows := make([][]string, 0, len(changes))
	regressions := 0
	for _, c := range changes {
		kind := kindOf(c.Figure)
		marker := ""
		if c.Regression {
			marker = "REGRESSION"
			regressions++
		}
		rows = append(rows, []string{c.Run, c.Figure, diffValue(kind, c.Old), diffValue(kind, c.New),
			diffChange(kind, c), marker})
	}
	if err := renderTable(bw, []tw.Align{left, left, right, right, right, left}, header, rows); err != nil {
		return fmt.Errorf("write diff: %w", err)
	}
	if len(only) > 0 {
		fmt.Fprintf(bw, "\nnot compared, found on one side only: %s\n", strings.Join(only, ", "))
	}
	fmt.Fprintln(bw)
	fmt.Fprintln(bw, diffSummary(changes, regressions))
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write diff: %w", err)
	}
	return nil
}

// diffValue shows one value of a figure.
func diffValue(kind figureKind, v float64) string {
	switch {
	case kind == countFigure:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case kind == verdictFigure && v != 0:
		return "STARVED"
	case kind == verdictFigure:
		return "not starved"
	case v == 0:
		return "-" // nothing answered
	default:
		return FormatMs(v)
	}
}

// diffChange shows how a figure changed: "+12.3%" for a latency, "+2" for
// a count, "flipped" for the verdict.
func diffChange(kind figureKind, c Change) string {
	switch {
	case kind == countFigure:
		d := strconv.FormatFloat(c.New-c.Old, 'f', -1, 64)
		if c.New > c.Old {
			d = "+" + d
		}
		return d
	case kind == verdictFigure && c.New != c.Old:
		return "flipped"
	case kind == verdictFigure:
		return ""
	case c.Old == 0 || c.New == 0:
		return "" // nothing to compare
	}
	if d := fmt.Sprintf("%+.1f%%", c.DeltaPct); d != "+0.0%" && d != "-0.0%" {
		return d
	}
	return "0.0%"
}

// diffSummary counts the regressions and names the rule they broke.
func diffSummary(changes []Change, regressions int) string {
	if len(changes) == 0 {
		return "no runs compared"
	}
	count := "no regressions"
	switch {
	case regressions == 1:
		count = "1 regression"
	case regressions > 1:
		count = strconv.Itoa(regressions) + " regressions"
	}
	c := changes[0]
	rule := strconv.FormatFloat(math.Round(c.tolerance*1e4)/1e2, 'f', -1, 64) + "%"
	if c.floorMs > 0 {
		rule += " (and " + ShortMs(c.floorMs) + ")"
	}
	return count + " beyond " + rule
}
