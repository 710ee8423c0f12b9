package text

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/chart"
)

// sparkLevels are the heights of the lag sparkline, lowest first.
var sparkLevels = []string{"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"}

// complexLanes draws each ComplexHandler request as a bar from its start to
// its end: one lane per request, or, when there are many, lanes shared by
// requests that do not overlap.
func (tl *timeline) complexLanes() []string {
	reqs := chart.ByEndpoint(tl.reqs, report.EndpointComplex)
	if len(reqs) == 0 {
		return []string{tl.paintLabel("ComplexHandler") + " (no requests)"}
	}
	var out []string
	if len(reqs) <= maxComplexLanes {
		for i, q := range reqs {
			label := fmt.Sprintf("complex %-2d %8s", i+1, clip(outcomeLabel(q), 8))
			out = append(out, tl.lane(label, tl.bars([]report.Request{q})))
		}
		return out
	}
	lanes := chart.PackLanes(reqs, func(q report.Request) (float64, float64) { return q.StartMs, q.EndMs })
	shown := lanes
	if len(lanes) > maxComplexLanes {
		shown = lanes[:maxComplexLanes]
	}
	for i, lane := range shown {
		out = append(out, tl.lane(fmt.Sprintf("complex lane %d x%d", i+1, len(lane)), tl.bars(lane)))
	}
	if n := len(lanes) - len(shown); n > 0 {
		out = append(out, tl.paintLabel(fmt.Sprintf("+%d more lanes", n)))
	}
	return out
}

// outcomeLabel is a request's latency, or its status or error when it
// failed.
func outcomeLabel(q report.Request) string {
	switch {
	case q.Error == "":
		return report.CompactMs(q.LatencyMs)
	case q.Status > 0:
		return strconv.Itoa(q.Status)
	default:
		return q.Error
	}
}

// bars draws requests as bars from start to end: "█" answered, "▒"
// failed.
func (tl *timeline) bars(reqs []report.Request) []cell {
	cells := blankCells(tl.cols)
	for _, q := range reqs {
		glyph, c := "█", colorComplex
		if q.Error != "" {
			glyph, c = "▒", colorFailed
		}
		for i := tl.col(q.StartMs); i <= tl.col(q.EndMs); i++ {
			cells[i] = cell{glyph, c}
		}
	}
	return cells
}

// failedMain marks the MainHandler requests that got no answer or an error
// status, at the time they were due.
func (tl *timeline) failedMain() (string, bool) {
	cells := blankCells(tl.cols)
	n := 0
	for _, q := range chart.ByEndpoint(tl.reqs, report.EndpointMain) {
		if q.Error != "" {
			cells[tl.col(q.ScheduledMs)] = cell{"x", colorFailed}
			n++
		}
	}
	return tl.lane(fmt.Sprintf("failed main %d", n), cells), n > 0
}

// lagLane draws the loop's lag as a sparkline: in each column, how long
// the loop had been unable to run its heartbeat (red beyond the starvation
// threshold). A blocked loop reports one late heartbeat when it is free
// again; the lane spreads it back over the time the loop was stuck.
func (tl *timeline) lagLane() (string, bool) {
	spans := chart.LagSpans(tl.r)
	if len(spans) == 0 {
		return "", false
	}
	// Between late beats the loop was on time: from the first beat to the
	// last, a column no beat was late in has a lag of zero.
	vals := make([]float64, tl.cols)
	seen := make([]bool, tl.cols)
	first, last := spans[0].Due, spans[0].Ran
	top := 0.0
	for _, s := range spans {
		for c := tl.col(s.Due); c <= tl.col(s.Ran); c++ {
			end := math.Min(s.Ran, float64(c+1)*tl.dt)
			vals[c] = math.Max(vals[c], end-s.Due)
		}
		first, last, top = math.Min(first, s.Due), math.Max(last, s.Ran), math.Max(top, s.Lag)
	}
	for c := tl.col(first); c <= tl.col(last); c++ {
		seen[c] = true
	}
	threshold := tl.r.Config.StarveThresholdMs
	// A free loop's lag is noise: scaled to its own maximum it would fill
	// the lane. Scaled to at least the threshold, it stays on the floor.
	scale := math.Max(top, threshold)
	cells := blankCells(tl.cols)
	for c, v := range vals {
		if !seen[c] {
			continue
		}
		level := 0
		if scale > 0 {
			level = min(int(v/scale*float64(len(sparkLevels))), len(sparkLevels)-1)
		}
		color := colorLagOK
		if threshold > 0 && v > threshold {
			color = colorFailed
		}
		cells[c] = cell{sparkLevels[level], color}
	}
	return tl.lane("loop lag "+fmt.Sprintf("%10s", "max "+report.CompactMs(top)), cells), true
}

// stallLane draws each time the loop was held past its threshold as a bar
// on the run's clock, the longest numbered from 1 at their start, so that
// the lines under the axis (stallNotes) say what held the loop there.
func (tl *timeline) stallLane() (string, bool) {
	stalls := chart.Stalls(tl.r)
	if len(stalls) == 0 {
		return "", false
	}
	cells := blankCells(tl.cols)
	for _, s := range stalls {
		for c := tl.col(s.StartMs); c <= tl.col(s.StartMs+s.DurationMs); c++ {
			cells[c] = cell{"█", colorFailed}
		}
	}
	for i, s := range chart.LabelledStalls(tl.r) {
		cells[tl.col(s.StartMs)] = cell{strconv.Itoa(i + 1), colorAxis}
	}
	return tl.lane(fmt.Sprintf("loop stalls %7d", len(stalls)), cells), true
}

// stallNotes say what held the loop in each numbered stall.
func (tl *timeline) stallNotes() []string {
	var out []string
	for i, s := range chart.LabelledStalls(tl.r) {
		pad := strings.Repeat(" ", timelineLabelWidth)
		lines := strings.Split(wrap(report.StallLine(s), tl.cols+timelineLabelWidth, pad), "\n")
		lines[0] = fmt.Sprintf("%*d ", timelineLabelWidth-1, i+1) + strings.TrimPrefix(lines[0], pad)
		out = append(out, lines...)
	}
	return out
}
