package sweep

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/text"
)

// WriteText writes s for people: what was varied and against what SLO, a
// row per point, a chart of the p99 latencies against the parameter, and
// the capacity. color adds ANSI colours to the chart.
func WriteText(w io.Writer, s *Sweep, color bool) error {
	bw := bufio.NewWriter(w)
	for _, line := range s.headerLines() {
		fmt.Fprintln(bw, line)
	}
	fmt.Fprintln(bw)
	header, right, rows := s.table()
	if err := text.WriteTable(bw, right, header, rows); err != nil {
		return fmt.Errorf("write sweep: %w", err)
	}
	if chart := s.chart(color); len(chart) > 0 {
		fmt.Fprintln(bw)
		for _, line := range chart {
			fmt.Fprintln(bw, line)
		}
	}
	fmt.Fprintln(bw)
	fmt.Fprintln(bw, "Capacity: "+s.Summary)
	for _, line := range s.noteLines() {
		fmt.Fprintln(bw, line)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write sweep: %w", err)
	}
	return nil
}

// headerLines say what was swept, against which SLO, on which target, and
// the scenario of the first point.
func (s *Sweep) headerLines() []string {
	how := fmt.Sprintf("%d points", len(s.Points))
	if s.Search == SearchFindMax && len(s.Between) == 2 {
		how = fmt.Sprintf("find-max between %s and %s to %s, %d points", s.Unit.Format(s.Between[0]),
			s.Unit.Format(s.Between[1]), s.Unit.Format(s.Resolution), len(s.Points))
	}
	lines := []string{fmt.Sprintf("blockprobe sweep: %s (%s), SLO: %s", s.Parameter, how, s.sloText())}
	if len(s.Points) > 0 {
		first := s.Points[0]
		lines = append(lines, strings.Replace(report.TargetLine(first.Report), "blockprobe run: ", "", 1),
			"at "+first.Label+": "+report.ScenarioLine(first.Report))
	}
	return append(lines, fmt.Sprintf("started %s, took %s", s.Started.Format(report.DateFormat), report.ShortMs(s.ElapsedMs)))
}

// noteLines are the sweep's notes, why it stopped early, and an interrupt.
func (s *Sweep) noteLines() []string {
	var lines []string
	for _, n := range s.Notes {
		lines = append(lines, "Note: "+n)
	}
	if s.Stopped != "" {
		lines = append(lines, "STOPPED: "+s.Stopped)
	}
	if s.Partial {
		lines = append(lines, "PARTIAL: interrupted")
	}
	return lines
}
