package html

import "github.com/blockprobe/blockprobe/report"

// The stages of the load on the page: their table under the run's, and a
// line on the charts where each begins.

// stageHTMLTable is the table of r's stages, nil without stages.
func stageHTMLTable(r *report.Report) *htmlTable {
	if len(r.Stages) == 0 {
		return nil
	}
	header, right, rows := report.StageTable(r)
	t := &htmlTable{Right: right, Rows: rows}
	for _, h := range header {
		t.Header = append(t.Header, []string{h})
	}
	return t
}

// markStages draws a dashed line where each stage of r's load after the
// first begins, labelled with the stage's number and load.
func markStages(s *svgCanvas, f frame, x scale, r *report.Report) {
	for i, st := range r.Stages {
		if i == 0 {
			continue
		}
		at := x.at(st.Window.StartMs)
		s.shape("line", r.StageName(i), "x1", num(at), "y1", num(f.y), "x2", num(at), "y2", num(f.y+f.h), "class", "stage")
		s.text(at+3, f.y+11, "start", "stage-label", report.StageLabel(r, i))
	}
}
