package text

import (
	"fmt"
	"io"

	"github.com/blockprobe/blockprobe/report"
)

// The stages of the load in the terminal: their table and verdicts below
// the report, a lane of their own on the timeline.

// writeStagesText writes the table of r's stages and a verdict line per
// stage, after a blank line; nothing without stages.
func writeStagesText(w io.Writer, r *report.Report) error {
	if len(r.Stages) == 0 {
		return nil
	}
	header, right, rows := report.StageTable(r)
	fmt.Fprintf(w, "\nStages of the load (sent: ComplexHandler requests per second; windows from the start of the load):\n")
	if err := WriteTable(w, right, header, rows); err != nil {
		return err
	}
	for _, line := range report.StageVerdictLines(r) {
		fmt.Fprintln(w, line)
	}
	return nil
}

// stageLane draws the stages of the load on the timeline's axis: a "│"
// where each begins, then its number and load; false without stages.
func (tl *timeline) stageLane() (string, bool) {
	if len(tl.r.Stages) == 0 {
		return "", false
	}
	cells := blankCells(tl.cols)
	for i, s := range tl.r.Stages {
		a, b := tl.col(s.Window.StartMs), tl.col(s.Window.EndMs)
		cells[a] = cell{"│", colorAxis}
		label := []rune(clip(report.StageLabel(tl.r, i), max(b-a-1, 0)))
		for j, ch := range label {
			cells[a+1+j] = cell{glyph: string(ch)}
		}
	}
	return tl.lane("stages", cells), true
}

// markStageStarts marks where each stage after the first begins on the
// load window's lane.
func (tl *timeline) markStageStarts(cells []cell) {
	for _, s := range tl.r.Stages[min(1, len(tl.r.Stages)):] {
		if c := tl.col(s.Window.StartMs); cells[c].glyph == "─" {
			cells[c].glyph = "┼"
		}
	}
}
