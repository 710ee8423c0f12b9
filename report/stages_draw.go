package report

// How the timelines mark the stages of the load: the terminal timeline
// with a lane of its own, the HTML charts with a line where each stage
// begins.

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
		label := []rune(clip(stageLabel(tl.r, i), max(b-a-1, 0)))
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

// markStages draws a dashed line where each stage of r's load after the
// first begins, labelled with the stage's number and load.
func markStages(s *svgCanvas, f frame, x scale, r *Report) {
	for i, st := range r.Stages {
		if i == 0 {
			continue
		}
		at := x.at(st.Window.StartMs)
		s.shape("line", r.stageName(i), "x1", num(at), "y1", num(f.y), "x2", num(at), "y2", num(f.y+f.h), "class", "stage")
		s.text(at+3, f.y+11, "start", "stage-label", stageLabel(r, i))
	}
}
