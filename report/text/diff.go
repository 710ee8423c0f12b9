package text

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter/tw"

	"github.com/blockprobe/blockprobe/report"
)

// WriteDiff writes the changes of Diff for people: a table of each run's
// figures, old and new, with the change and a REGRESSION marker, then the
// runs found on one side only, and a summary line such as
// "2 regressions beyond 10% (and 1ms)".
func WriteDiff(w io.Writer, changes []report.Change, only []string) error {
	bw := bufio.NewWriter(w)
	left, right := tw.AlignLeft, tw.AlignRight
	header := []string{"RUN", "FIGURE", "OLD", "NEW", "CHANGE", ""}
	rows := make([][]string, 0, len(changes))
	regressions := 0
	for _, c := range changes {
		kind := c.Kind()
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
func diffValue(kind report.FigureKind, v float64) string {
	switch {
	case kind == report.CountFigure:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case kind == report.VerdictFigure && v != 0:
		return "STARVED"
	case kind == report.VerdictFigure:
		return "not starved"
	case v == 0:
		return "-" // nothing answered
	default:
		return report.FormatMs(v)
	}
}

// diffChange shows how a figure changed: "+12.3%" for a latency, "+2" for
// a count, "flipped" for the verdict.
func diffChange(kind report.FigureKind, c report.Change) string {
	switch {
	case kind == report.CountFigure:
		d := strconv.FormatFloat(c.New-c.Old, 'f', -1, 64)
		if c.New > c.Old {
			d = "+" + d
		}
		return d
	case kind == report.VerdictFigure && c.New != c.Old:
		return "flipped"
	case kind == report.VerdictFigure:
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
func diffSummary(changes []report.Change, regressions int) string {
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
	rule := strconv.FormatFloat(math.Round(c.Tolerance*1e4)/1e2, 'f', -1, 64) + "%"
	if c.FloorMs > 0 {
		rule += " (and " + report.ShortMs(c.FloorMs) + ")"
	}
	return count + " beyond " + rule
}
