package report

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/guptarohit/asciigraph"
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
func WriteTimeline(w io.Writer, r *Report, width int, color bool) error {
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
	r     *Report
	reqs  []Request
	cols  int
	dt    float64
	span  float64
	color bool
}

func newTimeline(r *Report, width int, color bool) *timeline {
	cols := width - timelineLabelWidth
	span := spanMs(r)
	return &timeline{r: r, reqs: timelineRequests(r), cols: cols, dt: span / float64(cols), span: span, color: color}
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
	pad := timelineLabelWidth - 1 - utf8.RuneCountInString(label)
	return label + strings.Repeat(" ", max(pad, 0)) + tl.paint(colorAxis, "│")
}

func (tl *timeline) lines() []string {
	if tl.span <= 0 || len(tl.reqs) == 0 {
		return []string{"Timeline: no requests were recorded."}
	}
	out := []string{fmt.Sprintf("Timeline of the run: %s, one column = %s", ShortMs(tl.span), FormatMs(tl.dt))}
	out = append(out, tl.loadWindow())
	out = append(out, tl.complexLanes()...)
	out = append(out, tl.mainChart()...)
	if row, ok := tl.failedMain(); ok {
		out = append(out, row)
	}
	if row, ok := tl.lagLane(); ok {
		out = append(out, row)
	}
	out = append(out, tl.axis()...)
	return append(out, tl.legend()...)
}

// loadWindow marks the span in which ComplexHandler load was sent.
func (tl *timeline) loadWindow() string {
	cells := blankCells(tl.cols)
	w := loadWindow(tl.r)
	a, b := tl.col(w.StartMs), tl.col(w.EndMs)
	for c := a; c <= b; c++ {
		cells[c].glyph = "─"
	}
	cells[a].glyph, cells[b].glyph = "├", "┤"
	if a == b {
		cells[a].glyph = "│"
	}
	return tl.lane("load window", cells)
}

// complexLanes draws each ComplexHandler request as a bar from its start to
// its end: one lane per request, or, when there are many, lanes shared by
// requests that do not overlap.
func (tl *timeline) complexLanes() []string {
	reqs := byEndpoint(tl.reqs, EndpointComplex)
	if len(reqs) == 0 {
		return []string{tl.paintLabel("ComplexHandler") + " (no requests)"}
	}
	var out []string
	if len(reqs) <= maxComplexLanes {
		for i, q := range reqs {
			label := fmt.Sprintf("complex %-2d %8s", i+1, clip(outcomeLabel(q), 8))
			out = append(out, tl.lane(label, tl.bars([]Request{q})))
		}
		return out
	}
	lanes := packLanes(reqs, func(q Request) (float64, float64) { return q.StartMs, q.EndMs })
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
func outcomeLabel(q Request) string {
	switch {
	case q.Error == "":
		return CompactMs(q.LatencyMs)
	case q.Status > 0:
		return strconv.Itoa(q.Status)
	default:
		return q.Error
	}
}

// bars draws requests as bars from start to end: "█" answered, "▒"
// failed.
func (tl *timeline) bars(reqs []Request) []cell {
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

// packLanes assigns intervals to lanes, each to the first lane whose last
// interval ended before it starts.
func packLanes[T any](items []T, span func(T) (float64, float64)) [][]T {
	var lanes [][]T
	var ends []float64
	for _, it := range items {
		start, end := span(it)
		placed := false
		for i := range lanes {
			if ends[i] <= start {
				lanes[i], ends[i], placed = append(lanes[i], it), end, true
				break
			}
		}
		if !placed {
			lanes, ends = append(lanes, []T{it}), append(ends, end)
		}
	}
	return lanes
}

// mainChart plots MainHandler's latency against the time each request was
// due, the highest in each column, with asciigraph. Columns between two
// requests are interpolated; the y axis is labelled in ms.
func (tl *timeline) mainChart() []string {
	reqs := byEndpoint(tl.reqs, EndpointMain)
	series := make([]float64, tl.cols)
	for i := range series {
		series[i] = math.NaN()
	}
	highest := 0.0
	for _, q := range reqs {
		c := tl.col(q.ScheduledMs)
		if math.IsNaN(series[c]) || q.LatencyMs > series[c] {
			series[c] = q.LatencyMs
		}
		highest = math.Max(highest, q.LatencyMs)
	}
	if !interpolate(series) {
		return []string{tl.paintLabel("MainHandler") + " (no requests)"}
	}
	// The scale reaches the starvation limit at least, so that latencies
	// well under it lie flat on the floor instead of filling the chart.
	limit := starveLimitMs(tl.r)
	top := math.Max(highest, limit)
	opts := []asciigraph.Option{
		asciigraph.Height(timelineChartHeight),
		asciigraph.LowerBound(0),
		asciigraph.UpperBound(top),
		// asciigraph puts its axis after Offset columns and the widest
		// label; labels of a fixed width align it with the lanes' "│".
		asciigraph.Offset(3),
		asciigraph.YAxisValueFormatter(msAxisLabel(top, timelineLabelWidth-3)),
	}
	data := [][]float64{series}
	colors := []asciigraph.AnsiColor{colorMain}
	title := "MainHandler latency (ms) by send time, highest " + FormatMs(highest)
	if limit > 0 && limit/top*timelineChartHeight >= 1 {
		line := make([]float64, tl.cols)
		for i := range line {
			line[i] = limit
		}
		// Drawn first, so that the latencies are drawn over it.
		data = [][]float64{line, series}
		colors = []asciigraph.AnsiColor{colorFailed, colorMain}
		opts = append(opts, asciigraph.SeriesChars(asciigraph.CreateCharSet("╌")))
		title += "; ╌ starved above " + ShortMs(limit)
	} else if limit > 0 {
		title += "; starved above " + ShortMs(limit)
	}
	if tl.color {
		opts = append(opts, asciigraph.SeriesColors(colors...), asciigraph.AxisColor(colorAxis))
	}
	out := []string{tl.paintLabel("") + " " + clip(title, tl.cols-1)}
	return append(out, strings.Split(asciigraph.PlotMany(data, opts...), "\n")...)
}

// starveLimitMs is the MainHandler latency above which a run is starved:
// the idle p99 plus the threshold; 0 when unknown.
func starveLimitMs(r *Report) float64 {
	th := r.Verdict.ThresholdMs
	if th == 0 {
		th = r.Config.StarveThresholdMs
	}
	if th <= 0 {
		return 0
	}
	return r.Verdict.MainP99BaselineMs + th
}

// interpolate fills the NaN gaps between known values of series linearly,
// and says whether it has any value.
func interpolate(series []float64) bool {
	last := -1
	for i, v := range series {
		if math.IsNaN(v) {
			continue
		}
		if last >= 0 && i-last > 1 {
			for j := last + 1; j < i; j++ {
				f := float64(j-last) / float64(i-last)
				series[j] = series[last] + f*(v-series[last])
			}
		}
		last = i
	}
	return last >= 0
}

// msAxisLabel formats the chart's y axis in ms, right-aligned in width
// columns, with as many decimals as a scale up to top needs.
func msAxisLabel(top float64, width int) asciigraph.YAxisValueFormatterFunc {
	decimals := 0
	switch {
	case top < 1:
		decimals = 3
	case top < 10:
		decimals = 2
	case top < 100:
		decimals = 1
	}
	return func(v float64) string {
		return fmt.Sprintf("%*s", width, strconv.FormatFloat(v, 'f', decimals, 64)+" ms")
	}
}

// failedMain marks the MainHandler requests that got no answer or an error
// status, at the time they were due.
func (tl *timeline) failedMain() (string, bool) {
	cells := blankCells(tl.cols)
	n := 0
	for _, q := range byEndpoint(tl.reqs, EndpointMain) {
		if q.Error != "" {
			cells[tl.col(q.ScheduledMs)] = cell{"x", colorFailed}
			n++
		}
	}
	return tl.lane(fmt.Sprintf("failed main %d", n), cells), n > 0
}

// sparkLevels are the heights of the lag sparkline, lowest first.
var sparkLevels = []string{"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"}

// lagLane draws the loop's lag as a sparkline: in each column, how long
// the loop had been unable to run its heartbeat (red beyond the starvation
// threshold). A blocked loop reports one late heartbeat when it is free
// again; the lane spreads it back over the time the loop was stuck.
func (tl *timeline) lagLane() (string, bool) {
	spans := lagSpans(tl.r)
	if len(spans) == 0 {
		return "", false
	}
	// Between late beats the loop was on time: from the first beat to the
	// last, a column no beat was late in has a lag of zero.
	vals := make([]float64, tl.cols)
	seen := make([]bool, tl.cols)
	first, last := spans[0].due, spans[0].ran
	top := 0.0
	for _, s := range spans {
		for c := tl.col(s.due); c <= tl.col(s.ran); c++ {
			end := math.Min(s.ran, float64(c+1)*tl.dt)
			vals[c] = math.Max(vals[c], end-s.due)
		}
		first, last, top = math.Min(first, s.due), math.Max(last, s.ran), math.Max(top, s.lag)
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
	return tl.lane("loop lag "+fmt.Sprintf("%10s", "max "+CompactMs(top)), cells), true
}

// axis is the time axis under the lanes, with ticks on round values.
func (tl *timeline) axis() []string {
	step := niceStep(tl.span / math.Max(1, float64(tl.cols/12)))
	line := []rune(strings.Repeat("─", tl.cols))
	labels := []rune(strings.Repeat(" ", tl.cols+8))
	lastEnd := -1
	for _, t := range ticks(tl.span, step) {
		c := tl.col(t)
		line[c] = '┬'
		label := []rune(tickLabel(t))
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
			" loop lag (red above "+ShortMs(tl.r.Config.StarveThresholdMs)+")")
	}
	width := tl.cols + timelineLabelWidth
	var out []string
	line := ""
	for _, e := range entries {
		if line != "" && visibleLen(line)+3+visibleLen(e) > width {
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

// visibleLen is the width of s on a terminal: its runes, less ANSI escapes.
func visibleLen(s string) int {
	n, esc := 0, false
	for _, r := range s {
		switch {
		case r == '\x1b':
			esc = true
		case esc:
			esc = r != 'm'
		default:
			n++
		}
	}
	return n
}

func blankCells(n int) []cell {
	cells := make([]cell, n)
	for i := range cells {
		cells[i] = cell{glyph: " "}
	}
	return cells
}

// clip shortens s to at most n runes.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:max(n-1, 0)]) + "…"
}
