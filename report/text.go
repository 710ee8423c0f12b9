package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter/tw"
)

// WriteText writes r for people: what was run, one table of latencies per
// endpoint and phase, the errors, the verdict, the loop's figures and any
// warnings. It fits a terminal of about 100 columns and uses no colour.
func WriteText(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, TargetLine(r))
	fmt.Fprintln(bw, ScenarioLine(r))
	fmt.Fprintf(bw, "started %s, took %s\n\n", r.Started.Format(DateFormat), ShortMs(r.ElapsedMs))
	if err := writeTable(bw, r); err != nil {
		return fmt.Errorf("write text report: %w", err)
	}
	fmt.Fprintln(bw, UncorrectedNote)
	for _, line := range ErrorLines(r) {
		fmt.Fprintln(bw, line)
	}
	fmt.Fprintln(bw)
	fmt.Fprintln(bw, VerdictLine(r.Verdict))
	if r.Loop != nil {
		fmt.Fprintln(bw, LoopLine(r.Loop))
	}
	for _, w := range Warnings(r) {
		fmt.Fprintln(bw, w)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write text report: %w", err)
	}
	return nil
}

func writeTable(w io.Writer, r *Report) error {
	aligns := []tw.Align{tw.AlignLeft, tw.AlignLeft}
	header := []string{"ENDPOINT", "PHASE"}
	for _, st := range Statistics {
		aligns, header = append(aligns, tw.AlignRight), append(header, strings.ToUpper(st.Name))
	}
	var rows [][]string
	for _, row := range TableRows(r) {
		rows = append(rows, row.Cells(Statistics))
	}
	return renderTable(w, aligns, header, rows)
}
