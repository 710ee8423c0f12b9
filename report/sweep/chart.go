package sweep

import (
	"fmt"
	"math"
	"strings"

	"github.com/guptarohit/asciigraph"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/text"
)

// The chart of a sweep in the terminal: the p99 latencies against the
// parameter.

// Layout of the terminal chart.
const (
	chartHeight   = 10
	chartMinWidth = 40
	chartMaxWidth = 72
	colsPerPoint  = 9
	yLabelWidth   = 9
)

// chart draws the p99 latencies of MainHandler and ComplexHandler against
// the parameter, the points evenly spaced in their order, on a log scale
// (idle microseconds and blocked seconds on one chart), with the SLO's
// line; nil with fewer than two points.
func (s *Sweep) chart(color bool) []string {
	main, complex := s.series()
	if len(main) < 2 {
		return nil
	}
	width := min(max(colsPerPoint*(len(main)-1)+1, chartMinWidth), chartMaxWidth)
	at := func(i int) int { return int(math.Round(float64(i*(width-1)) / float64(len(main)-1))) }
	lo, hi := math.Inf(1), math.Inf(-1)
	spread := func(vals []float64) []float64 {
		out := make([]float64, width)
		for c := range out {
			out[c] = math.NaN()
		}
		for i, v := range vals {
			if !math.IsNaN(v) {
				out[at(i)] = math.Log10(math.Max(v, 0.01))
				lo, hi = math.Min(lo, out[at(i)]), math.Max(hi, out[at(i)])
			}
		}
		fill(out)
		return out
	}
	// MainHandler last, over ComplexHandler: behind a blocked loop they
	// wait alike.
	data := [][]float64{spread(complex), spread(main)}
	colors := []asciigraph.AnsiColor{asciigraph.Yellow, asciigraph.Cyan}
	chars := []asciigraph.CharSet{asciigraph.CreateCharSet("·"), asciigraph.DefaultCharSet}
	legend := "─ MainHandler p99   · ComplexHandler p99"
	line, what := s.sloLine()
	if line > 0 {
		lo, hi = math.Min(lo, math.Log10(line)), math.Max(hi, math.Log10(line))
	}
	if math.IsInf(lo, 0) {
		return nil
	}
	// At least half a decade high, so that noise does not fill the chart.
	mid := (lo + hi) / 2
	lo, hi = math.Min(lo, mid-0.25)-0.05, math.Max(hi, mid+0.25)+0.05
	height := chartHeight
	if line > 0 {
		// Shift the rows so that one lies on the SLO's line, which would
		// otherwise be drawn on the nearest row, a label away from its value.
		v, step := math.Log10(line), (hi-lo)/chartHeight
		lo = v - math.Ceil((v-lo)/step-1e-9)*step
		hi, height = lo+float64(chartHeight+1)*step, chartHeight+1
		slo := make([]float64, width)
		for c := range slo {
			slo[c] = v
		}
		// Drawn first, so that the latencies are drawn over it.
		data, colors = append([][]float64{slo}, data...), append([]asciigraph.AnsiColor{asciigraph.Red}, colors...)
		chars = append([]asciigraph.CharSet{asciigraph.CreateCharSet("╌")}, chars...)
		legend += "   ╌ " + what + " " + report.ShortMs(line)
	}
	opts := []asciigraph.Option{
		asciigraph.Height(height), asciigraph.LowerBound(lo), asciigraph.UpperBound(hi),
		asciigraph.Offset(3), asciigraph.SeriesChars(chars...),
		asciigraph.YAxisValueFormatter(func(v float64) string {
			return fmt.Sprintf("%*s", yLabelWidth, report.ShortMs(roundMs(math.Pow(10, v))))
		}),
	}
	if color {
		opts = append(opts, asciigraph.SeriesColors(colors...), asciigraph.AxisColor(asciigraph.DarkGray))
	}
	lines := strings.Split(asciigraph.PlotMany(data, opts...), "\n")
	axis := axisColumn(lines[0])
	labels := make([]string, len(s.Points))
	for i, p := range s.Points {
		labels[i] = p.Label
	}
	out := []string{fmt.Sprintf("p99 latency (log scale) by %s", s.Parameter)}
	out = append(out, lines...)
	out = append(out, xLabels(axis, labels, at), strings.Repeat(" ", axis)+legend)
	return out
}

// fill joins the values of a series across the columns between them, in
// a straight line.
func fill(series []float64) {
	last := -1
	for i, v := range series {
		if math.IsNaN(v) {
			continue
		}
		for j := last + 1; last >= 0 && j < i; j++ {
			series[j] = series[last] + float64(j-last)/float64(i-last)*(v-series[last])
		}
		last = i
	}
}

// roundMs rounds a latency to two significant digits, for axis labels.
func roundMs(ms float64) float64 {
	if ms <= 0 {
		return 0
	}
	p := math.Pow(10, math.Floor(math.Log10(ms))-1)
	return math.Round(ms/p) * p
}

// axisColumn is the column of a chart line's y axis ("┤" or "┼").
func axisColumn(line string) int {
	i := strings.IndexAny(line, "┤┼")
	if i < 0 {
		return 0
	}
	return text.VisibleWidth(line[:i])
}

// xLabels writes each point's label under its column, centred, leaving
// out a label that would run into the one before.
func xLabels(axis int, labels []string, at func(int) int) string {
	line := []rune(strings.Repeat(" ", axis+at(len(labels)-1)+12))
	end := -1
	for i, l := range labels {
		start := max(axis+at(i)-text.VisibleWidth(l)/2, 0)
		if start <= end {
			continue
		}
		copy(line[start:], []rune(l))
		end = start + text.VisibleWidth(l)
	}
	return strings.TrimRight(string(line), " ")
}
