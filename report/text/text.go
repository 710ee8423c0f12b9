// Package text renders reports for a terminal: the text report and its
// tables, runs side by side, the explanation, the diff of two reports, and
// the timeline of a run drawn over time.
package text

import (
	"bufio"
	"fmt"
	"io"

	"github.com/blockprobe/blockprobe/report"
)

// WriteText writes r for people: what was run, one table of latencies per
// endpoint and phase, the errors, the verdict, the loop's figures and any
// warnings. It fits a terminal of about 100 columns and uses no colour.
func WriteText(w io.Writer, r *report.Report) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, report.TargetLine(r))
	fmt.Fprintln(bw, report.ScenarioLine(r))
	fmt.Fprintf(bw, "started %s, took %s\n\n", r.Started.Format(report.DateFormat), report.ShortMs(r.ElapsedMs))
	if err := writeTable(bw, r); err != nil {
		return fmt.Errorf("write text report: %w", err)
	}
	fmt.Fprintln(bw, report.UncorrectedNote)
	for _, line := range report.ErrorLines(r) {
		fmt.Fprintln(bw, line)
	}
	if line := report.LoadSentLine(r); line != "" {
		fmt.Fprintln(bw, line)
	}
	if err := writeStagesText(bw, r); err != nil {
		return fmt.Errorf("write text report: %w", err)
	}
	if err := writeShardsText(bw, r); err != nil {
		return fmt.Errorf("write text report: %w", err)
	}
	fmt.Fprintln(bw)
	for _, line := range report.VerdictLines(r) {
		fmt.Fprintln(bw, line)
	}
	for _, line := range report.LoopLines(r) {
		fmt.Fprintln(bw, line)
	}
	for _, w := range report.Warnings(r) {
		fmt.Fprintln(bw, w)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write text report: %w", err)
	}
	return nil
}

func writeTable(w io.Writer, r *report.Report) error {
	right := []bool{false, false}
	header := []string{"endpoint", "phase"}
	for _, st := range report.Statistics {
		right, header = append(right, true), append(header, st.Name)
	}
	var rows [][]string
	for _, row := range report.TableRows(r) {
		rows = append(rows, row.Cells(report.Statistics))
	}
	return WriteTable(w, right, header, rows)
}
