package text

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/blockprobe/blockprobe/report"
)

// WriteCompareText writes several runs side by side for people: one table
// with a row per run, a verdict line per run, the Loop line of each run
// that has loop figures, the scenario, and the warnings. It fits a
// terminal of about 120 columns and uses no colour.
func WriteCompareText(w io.Writer, runs []*report.Report) error {
	bw := bufio.NewWriter(w)
	if err := writeCompareTable(bw, runs); err != nil {
		return fmt.Errorf("write comparison: %w", err)
	}
	fmt.Fprintln(bw)
	for _, r := range runs {
		fmt.Fprintf(bw, "%s: %s\n", r.Name(), strings.Join(report.VerdictLines(r), "; "))
	}
	fmt.Fprintln(bw)
	if lines := report.RunsLoopLines(runs); len(lines) > 0 {
		for _, line := range lines {
			fmt.Fprintln(bw, line)
		}
		fmt.Fprintln(bw)
	}
	for _, line := range report.ScenarioLines(runs) {
		fmt.Fprintln(bw, line)
	}
	for _, line := range report.MergedWarnings(runs) {
		fmt.Fprintln(bw, line)
	}
	for _, r := range runs {
		if len(r.Stages) > 0 {
			fmt.Fprintf(bw, "\n%s:", r.Name())
			if err := writeStagesText(bw, r); err != nil {
				return fmt.Errorf("write comparison: %w", err)
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write comparison: %w", err)
	}
	return nil
}

func writeCompareTable(w io.Writer, runs []*report.Report) error {
	header, right, rows := report.CompareTable(runs, false)
	return WriteTable(w, right, header, rows)
}
