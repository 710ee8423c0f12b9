package text

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/guptarohit/asciigraph"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/chart"
)

// Layout of the terminal timeline: a column of labels, then the time axis.
const (
	// timelineLabelWidth is the width of the label column, its "│" included.
	timelineLabelWidth = 20
	// MinTimelineWidth is the narrowest timeline WriteTimeline draws.
	MinTimelineWidth = timelineLabelWidth + 30
	// timelineChartHeight is the height of the latency chart, in lines
	// (one more for its zero line).
	timelineChartHeight = 8
	// maxComplexLanes is how many ComplexHandler requests get a lane each;
	// beyond, requests that do not overlap share lanes.
	maxComplexLanes = 10
)

// Colours of the terminal timeline, used only when asked for.
var (
	colorComplex = asciigraph.Yellow
	colorMain    = asciigraph.Cyan
	colorFailed  = asciigraph.Red
	colorLagOK   = asciigraph.Green
	colorAxis    = asciigraph.DarkGray
)

// WriteTimeline draws r over time, for a terminal, below the text report:
// on one time axis from the start of the run, the load window, a lane per
// ComplexHandler request (a bar from start to end), MainHandler's latency
// against the time each request was due (a line chart, y axis in ms; in
// blocking mode, the falling ramp), the requests that failed, and the
// loop's lag (embedded target). width is the width of every line, labels
// included (at least MinTimelineWidth); color adds ANSI colours, else the
// drawing is plain text with Unicode block and box characters.
func WriteTimeline(w io.Writer, r *report.Report, width int, color bool) error {
	tl := newTimeline(r, max(width, MinTimelineWidth), color)
	bw := bufio.NewWriter(w)
	for _, line := range tl.lines() {
		fmt.Fprintln(bw, line)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write timeline: %w", err)
	}
	return nil
}

// timeline lays out one report on a time axis of cols columns, each dt
// milliseconds long.
type timeline struct {
	r     *report.Report
	reqs  []report.Request
	cols  int
	dt    float64
	span  float64
	color bool
}

func newTimeline(r *report.Report, width int, color bool) *timeline {
	cols := width - timelineLabelWidth
	span := chart.Span(r)
	return &timeline{r: r, reqs: chart.Requests(r), cols: cols, dt: span / float64(cols), span: span, color: color}
}

// col is the column that time t (ms from the start of the run) falls in.
func (tl *timeline) col(t float64) int {
	if tl.dt <= 0 {
		return 0
	}
	return min(max(int(t/tl.dt), 0), tl.cols-1)
}

// paint wraps s in colour c when the timeline is coloured.
func (tl *timeline) paint(c asciigraph.AnsiColor, s string) string {
	if !tl.color || s == "" || c == asciigraph.Default {
		return s
	}
	return c.String() + s + asciigraph.Default.String()
}

// cell is one column of a lane: a glyph and its colour (Default: none).
type cell struct {
	glyph string
	color asciigraph.AnsiColor
}

// lane is one line of the timeline: a label and the cells of the axis,
// a colour escape per run of cells of one colour.
func (tl *timeline) lane(label string, cells []cell) string {
	last := len(cells) - 1
	for last >= 0 && cells[last].glyph == " " {
		last--
	}
	var b strings.Builder
	b.WriteString(tl.paintLabel(label))
	for i := 0; i <= last; {
		j := i
		var run strings.Builder
		for ; j <= last && cells[j].color == cells[i].color; j++ {
			run.WriteString(cells[j].glyph)
		}
		b.WriteString(tl.paint(cells[i].color, run.String()))
		i = j
	}
	return b.String()
}

func (tl *timeline) paintLabel(label string) string {
	label = clip(label, timelineLabelWidth-1)
	pad := timelineLabelWidth - 1 - VisibleWidth(label)
	return label + strings.Repeat(" ", max(pad, 0)) + tl.paint(colorAxis, "│")
}

func (tl *timeline) lines() []string {
	if tl.span <= 0 || len(tl.reqs) == 0 {
		return []string{"Timeline: no requests were recorded."}
	}
	out := []string{fmt.Sprintf("Timeline of the run: %s, one column = %s", report.ShortMs(tl.span), report.FormatMs(tl.dt))}
	out = append(out, tl.loadWindow())
	if row, ok := tl.stageLane(); ok {
		out = append(out, row)
	}
	out = append(out, tl.complexLanes()...)
	out = append(out, tl.mainChart()...)
	if row, ok := tl.failedMain(); ok {
		out = append(out, row)
	}
	if row, ok := tl.lagLane(); ok {
		out = append(out, row)
	}
	if row, ok := tl.stallLane(); ok {
		out = append(out, row)
	}
	out = append(out, tl.axis()...)
	out = append(out, tl.stallNotes()...)
	return append(out, tl.legend()...)
}

// loadWindow marks the span in which ComplexHandler load was sent.
func (tl *timeline) loadWindow() string {
	cells := blankCells(tl.cols)
	w := chart.LoadWindow(tl.r)
	a, b := tl.col(w.StartMs), tl.col(w.EndMs)
	for c := a; c <= b; c++ {
		cells[c].glyph = "─"
	}
	tl.markStageStarts(cells)
	cells[a].glyph, cells[b].glyph = "├", "┤"
	if a == b {
		cells[a].glyph = "│"
	}
	return tl.lane("load window", cells)
}

// axis is the time axis under the lanes, with ticks on round values.
func (tl *timeline) axis() []string {
	step := chart.NiceStep(tl.span / math.Max(1, float64(tl.cols/12)))
	line := []rune(strings.Repeat("─", tl.cols))
	labels := []rune(strings.Repeat(" ", tl.cols+8))
	lastEnd := -1
	for _, t := range chart.Ticks(tl.span, step) {
		c := tl.col(t)
		line[c] = '┬'
		label := []rune(chart.TickLabel(t))
		start := max(c-len(label)/2, 0)
		if start <= lastEnd {
			continue
		}
		copy(labels[start:], label)
		lastEnd = start + len(label)
	}
	pad := strings.Repeat(" ", timelineLabelWidth-1)
	axisLine := pad + tl.paint(colorAxis, "└"+string(line))
	caption := "time since start"
	labelLine := caption + strings.Repeat(" ", timelineLabelWidth-len(caption)) + strings.TrimRight(string(labels), " ")
	return []string{axisLine, labelLine}
}

// legend explains the glyphs, wrapped to the timeline's width.
func (tl *timeline) legend() []string {
	entries := []string{
		tl.paint(colorComplex, "█") + " ComplexHandler request, start to end",
		tl.paint(colorFailed, "▒ x") + " failed request",
		tl.paint(colorMain, "╭╯") + " MainHandler latency",
	}
	if len(tl.r.LagSamples) > 0 {
		entries = append(entries, tl.paint(colorLagOK, "▁")+tl.paint(colorFailed, "█")+
			" loop lag (red above "+report.ShortMs(tl.r.Config.StarveThresholdMs)+")")
	}
	if len(chart.Stalls(tl.r)) > 0 {
		entries = append(entries, tl.paint(colorFailed, "1██")+" loop stall over "+report.ShortMs(tl.r.Loop.ThresholdMs)+", numbered as listed")
	}
	width := tl.cols + timelineLabelWidth
	var out []string
	line := ""
	for _, e := range entries {
		if line != "" && VisibleWidth(line)+3+VisibleWidth(e) > width {
			out = append(out, line)
			line = ""
		}
		if line != "" {
			line += "   "
		}
		line += e
	}
	return append(out, line)
}

func blankCells(n int) []cell {
	cells := make([]cell, n)
	for i := range cells {
		cells[i] = cell{glyph: " "}
	}
	return cells
}
