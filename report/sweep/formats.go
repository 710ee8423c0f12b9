package sweep

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/export"
)

// WriteJSON writes s as indented JSON followed by a newline: every point
// with its full report.
func WriteJSON(w io.Writer, s *Sweep) error { return report.EncodeJSON(w, s, "JSON sweep") }

// csvHeader is the header row of WriteCSV.
var csvHeader = []string{"parameter", "value", "unit", "measured", "met", "runs", "met_runs",
	"main_baseline_p99_ms", "main_p50_ms", "main_p99_ms", "main_max_ms", "main_errors",
	"complex_count", "complex_p50_ms", "complex_p99_ms", "complex_errors", "load_applied", "starved", "conclusive"}

// WriteCSV writes a row per point after a header row, for spreadsheets:
// the value (milliseconds for durations), whether it met the SLO, and the
// figures of its report, latencies in milliseconds.
func WriteCSV(w io.Writer, s *Sweep) error {
	cw := csv.NewWriter(w)
	rows := [][]string{csvHeader}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }
	for _, p := range s.Points {
		e, v := p.Report.Endpoints, p.Report.Verdict
		rows = append(rows, []string{s.Parameter, strconv.FormatFloat(p.Value, 'f', -1, 64), string(s.Unit),
			strconv.Itoa(p.Measured), strconv.FormatBool(p.Met), strconv.Itoa(p.Runs), strconv.Itoa(p.MetRuns),
			f(e.Main.Baseline.P99Ms), f(e.Main.Loaded.P50Ms), f(e.Main.Loaded.P99Ms), f(e.Main.Loaded.MaxMs), strconv.Itoa(e.Main.Loaded.Errors),
			strconv.Itoa(e.Complex.Loaded.Count), f(e.Complex.Loaded.P50Ms), f(e.Complex.Loaded.P99Ms), strconv.Itoa(e.Complex.Loaded.Errors),
			f(p.Report.LoadApplied), strconv.FormatBool(v.Starved), strconv.FormatBool(v.Conclusive)})
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("write CSV sweep: %w", err)
	}
	return nil
}

// WriteMarkdown writes s as GitHub-flavoured Markdown, for a pull request
// or $GITHUB_STEP_SUMMARY: the capacity in bold, what was swept, the table
// of points and the notes.
func WriteMarkdown(w io.Writer, s *Sweep) error {
	var b strings.Builder
	b.WriteString("### blockprobe sweep\n\n")
	fmt.Fprintf(&b, "**%s**\n\n", export.MarkdownText("Capacity: "+s.Summary))
	lines := s.headerLines()
	for i := range lines {
		lines[i] = export.MarkdownText(lines[i])
	}
	b.WriteString(strings.Join(lines, "\\\n") + "\n\n")
	header, right, rows := s.table()
	export.WriteMarkdownTable(&b, right, header, rows)
	if notes := s.noteLines(); len(notes) > 0 {
		b.WriteString("\n")
		for _, n := range notes {
			b.WriteString("- " + export.MarkdownText(n) + "\n")
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write Markdown sweep: %w", err)
	}
	return nil
}
