package report

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// The diff of two sets of runs as every format of `blockprobe diff` shows
// it: one table, one line for the runs found on one side only, one summary.

// DiffHeader are the columns of the diff table; DiffRightAligned says which
// are numbers.
var (
	DiffHeader       = []string{"run", "figure", "old", "new", "change", ""}
	DiffRightAligned = []bool{false, false, true, true, true, false}
)

// DiffRows are the rows of the diff table: each figure old and new, its
// change, and "REGRESSION" where it is one.
func DiffRows(changes []Change) [][]string {
	rows := make([][]string, 0, len(changes))
	for _, c := range changes {
		kind := c.Kind()
		marker := ""
		if c.Regression {
			marker = "REGRESSION"
		}
		rows = append(rows, []string{c.Run, c.Figure, diffValue(kind, c.Old), diffValue(kind, c.New), diffChange(kind, c), marker})
	}
	return rows
}

// DiffOnlyLine names the runs found on one side only, which count as a
// regression (a run that vanished or appeared is not "no change"); "" when
// there are none.
func DiffOnlyLine(only []string) string {
	if len(only) == 0 {
		return ""
	}
	return "not compared, found on one side only: " + strings.Join(only, ", ")
}

// Regressions counts the changes that are regressions.
func Regressions(changes []Change) int {
	n := 0
	for _, c := range changes {
		if c.Regression {
			n++
		}
	}
	return n
}

// DiffSummary counts the regressions and names the rule they broke, e.g.
// "2 regressions beyond 10% (and 1ms)".
func DiffSummary(changes []Change) string {
	if len(changes) == 0 {
		return "no runs compared"
	}
	count := "no regressions"
	switch n := Regressions(changes); {
	case n == 1:
		count = "1 regression"
	case n > 1:
		count = strconv.Itoa(n) + " regressions"
	}
	c := changes[0]
	rule := strconv.FormatFloat(math.Round(c.Tolerance*1e4)/1e2, 'f', -1, 64) + "%"
	if c.FloorMs > 0 {
		rule += " (and " + ShortMs(c.FloorMs) + ")"
	}
	return count + " beyond " + rule
}

// diffValue shows one value of a figure.
func diffValue(kind FigureKind, v float64) string {
	switch {
	case kind == CountFigure:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case kind == VerdictFigure && v != 0:
		return "STARVED"
	case kind == VerdictFigure:
		return "not starved"
	case kind == StatusFigure:
		return string(statusRanks[int(v)])
	case v == 0:
		return NoFigure // nothing answered
	default:
		return FormatMs(v)
	}
}

// diffChange shows how a figure changed: "+12.3%" for a latency, "+2" for
// a count, "flipped" for the verdict.
func diffChange(kind FigureKind, c Change) string {
	switch {
	case kind == CountFigure:
		d := strconv.FormatFloat(c.New-c.Old, 'f', -1, 64)
		if c.New > c.Old {
			d = "+" + d
		}
		return d
	case kind == VerdictFigure && c.New != c.Old:
		return "flipped"
	case kind == StatusFigure && c.New > c.Old:
		return "worse"
	case kind == StatusFigure && c.New < c.Old:
		return "better"
	case kind == VerdictFigure || kind == StatusFigure:
		return ""
	case c.Old == 0 || c.New == 0:
		return "" // nothing to compare
	}
	if d := fmt.Sprintf("%+.1f%%", c.DeltaPct); d != "+0.0%" && d != "-0.0%" {
		return d
	}
	return "0.0%"
}

// diffDocument is the JSON of `blockprobe diff --format json`.
type diffDocument struct {
	Version     int              `json:"blockprobe_diff"`
	Tolerance   float64          `json:"tolerance"`
	FloorMs     float64          `json:"floor_ms"`
	Regressions int              `json:"regressions"`
	Only        []string         `json:"only"`
	Summary     string           `json:"summary"`
	Changes     []diffChangeJSON `json:"changes"`
}

// diffChangeJSON is one Change in the JSON: a latency with no answer
// behind it, and a change that has no percentage, are null.
type diffChangeJSON struct {
	Run        string   `json:"run"`
	Figure     string   `json:"figure"`
	Old        *float64 `json:"old"`
	New        *float64 `json:"new"`
	DeltaPct   *float64 `json:"delta_pct"`
	Regression bool     `json:"regression"`
}

// WriteDiffJSON writes the changes of Diff and the runs found on one side
// only as one JSON object, for CI jobs.
func WriteDiffJSON(w io.Writer, tolerance, floorMs float64, changes []Change, only []string) error {
	doc := diffDocument{Version: 1, Tolerance: tolerance, FloorMs: floorMs, Regressions: Regressions(changes),
		Only: append([]string{}, only...), Summary: DiffSummary(changes), Changes: []diffChangeJSON{}}
	for _, c := range changes {
		old, nw, pct := c.Old, c.New, RoundMs(c.DeltaPct)
		j := diffChangeJSON{Run: c.Run, Figure: c.Figure, Old: &old, New: &nw, Regression: c.Regression}
		if c.Kind() == LatencyFigure {
			j.Old, j.New = nonZero(j.Old), nonZero(j.New)
		}
		if j.Old != nil && j.New != nil && !math.IsInf(pct, 0) && !math.IsNaN(pct) {
			j.DeltaPct = &pct
		}
		doc.Changes = append(doc.Changes, j)
	}
	return EncodeJSON(w, doc, "JSON diff")
}

func nonZero(v *float64) *float64 {
	if *v == 0 {
		return nil
	}
	return v
}
