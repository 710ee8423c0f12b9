package text

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/guptarohit/asciigraph"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/chart"
)

// mainChart plots MainHandler's latency against the time each request was
// due, the highest in each column, with asciigraph. Columns between two
// requests are interpolated; the y axis is labelled in ms.
func (tl *timeline) mainChart() []string {
	series, highest := tl.mainSeries()
	if !interpolate(series) {
		return []string{tl.paintLabel("MainHandler") + " (no requests)"}
	}
	// The scale reaches the starvation limit at least, so that latencies
	// well under it lie flat on the floor instead of filling the chart.
	limit := chart.StarveLimitMs(tl.r)
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
	title := "MainHandler latency (ms) by send time, highest " + report.FormatMs(highest)
	if limit > 0 && limit/top*timelineChartHeight >= 1 {
		line := make([]float64, tl.cols)
		for i := range line {
			line[i] = limit
		}
		// Drawn first, so that the latencies are drawn over it.
		data = [][]float64{line, series}
		colors = []asciigraph.AnsiColor{colorFailed, colorMain}
		opts = append(opts, asciigraph.SeriesChars(asciigraph.CreateCharSet("╌")))
		title += "; ╌ starved above " + report.ShortMs(limit)
	} else if limit > 0 {
		title += "; starved above " + report.ShortMs(limit)
	}
	if tl.color {
		opts = append(opts, asciigraph.SeriesColors(colors...), asciigraph.AxisColor(colorAxis))
	}
	out := []string{tl.paintLabel("") + " " + clip(title, tl.cols-1)}
	return append(out, strings.Split(asciigraph.PlotMany(data, opts...), "\n")...)
}

// mainSeries is MainHandler's latency in each column of the time axis, the
// highest of the requests due in it (NaN where none was due), and the
// highest of all.
func (tl *timeline) mainSeries() ([]float64, float64) {
	series := make([]float64, tl.cols)
	for i := range series {
		series[i] = math.NaN()
	}
	highest := 0.0
	for _, q := range chart.ByEndpoint(tl.reqs, report.EndpointMain) {
		c := tl.col(q.ScheduledMs)
		if math.IsNaN(series[c]) || q.LatencyMs > series[c] {
			series[c] = q.LatencyMs
		}
		highest = math.Max(highest, q.LatencyMs)
	}
	return series, highest
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
