package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/olekukonko/tablewriter/tw"
)

// Comparison is the JSON document of several runs of one scenario, as
// written by `blockprobe compare` (DESIGN §5): {"runs": [...]}.
type Comparison struct {
	Runs []*Report `json:"runs"`
}

// WriteCompareJSON writes runs as an indented Comparison followed by a
// newline. ReadDocument reads it back.
func WriteCompareJSON(w io.Writer, runs []*Report) error {
	if runs == nil {
		runs = []*Report{} // "runs": [], not null
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // as WriteJSON
	if err := enc.Encode(Comparison{Runs: runs}); err != nil {
		return fmt.Errorf("write JSON comparison: %w", err)
	}
	return nil
}

// WriteCompareText writes several runs side by side for people: one table
// with a row per run, a verdict line per run, the scenario, and the
// warnings. It fits a terminal of about 120 columns and uses no colour.
func WriteCompareText(w io.Writer, runs []*Report) error {
	bw := bufio.NewWriter(w)
	if err := writeCompareTable(bw, runs); err != nil {
		return fmt.Errorf("write comparison: %w", err)
	}
	fmt.Fprintln(bw)
	for _, r := range runs {
		fmt.Fprintf(bw, "%s: %s\n", r.Name(), VerdictLine(r.Verdict))
	}
	fmt.Fprintln(bw)
	for _, line := range ScenarioLines(runs) {
		fmt.Fprintln(bw, line)
	}
	for _, line := range MergedWarnings(runs) {
		fmt.Fprintln(bw, line)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write comparison: %w", err)
	}
	return nil
}

func writeCompareTable(w io.Writer, runs []*Report) error {
	aligns := make([]tw.Align, len(CompareColumns))
	header := make([]string, len(CompareColumns))
	for i, c := range CompareColumns {
		aligns[i], header[i] = tw.AlignLeft, c.Header
		if c.Right {
			aligns[i] = tw.AlignRight
		}
	}
	rows := make([][]string, len(runs))
	for i, r := range runs {
		rows[i] = CompareRow(r)
	}
	return renderTable(w, aligns, header, rows)
}
