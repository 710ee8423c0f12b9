package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

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

// compareColumn is one column of the side-by-side table of several runs,
// shared by the text and the Markdown renderings.
type compareColumn struct {
	// text is the header of the text table, two lines split by "\n"; md
	// is the header of the Markdown table.
	text, md string
	right    bool
	cell     func(*Report) string
}

// compareColumns are the figures that tell runs apart at a glance: how
// MainHandler fared idle and under load, how long ComplexHandler took, the
// errors, the loop's slowest callback and the verdict.
var compareColumns = []compareColumn{
	{"\nRUN", "run", false, (*Report).Name},
	figureColumn("IDLE\nP50", "main idle p50", "main.baseline.p50"),
	figureColumn("IDLE\nP99", "main idle p99", "main.baseline.p99"),
	figureColumn("LOADED\nP50", "main loaded p50", "main.loaded.p50"),
	figureColumn("LOADED\nP99", "main loaded p99", "main.loaded.p99"),
	figureColumn("LOADED\nMAX", "main loaded max", "main.loaded.max"),
	figureColumn("COMPLEX\nP50", "complex p50", "complex.loaded.p50"),
	figureColumn("COMPLEX\nMAX", "complex max", "complex.loaded.max"),
	{"\nERRORS", "errors", true, func(r *Report) string { return strconv.Itoa(totalErrors(r)) }},
	{"SLOWEST\nCALLBACK", "slowest callback", false, slowestCallback},
	{"\nVERDICT", "verdict", false, func(r *Report) string { return verdictWord(r.Verdict) }},
}

// figureColumn is the column of one figure of each run.
func figureColumn(text, md, figure string) compareColumn {
	f := Figures(figure)[0]
	return compareColumn{text, md, true, func(r *Report) string { return f.Stat.Cell(*r.Stats(f.Endpoint, f.Phase)) }}
}

// totalErrors counts the failed requests of a run, of both endpoints in
// both phases.
func totalErrors(r *Report) int {
	e := r.Endpoints
	return e.Main.Baseline.Errors + e.Main.Loaded.Errors + e.Complex.Loaded.Errors
}

// slowestCallback shows the loop's slowest callback and its handler, "-"
// when there are no loop figures (an external target).
func slowestCallback(r *Report) string {
	if r.Loop == nil {
		return "-"
	}
	s := FormatMs(r.Loop.SlowestCallbackMs)
	if r.Loop.SlowestHandler != "" {
		s += " " + r.Loop.SlowestHandler
	}
	return s
}

// verdictWord is the verdict in a word: "STARVED", "ok" or "inconclusive".
func verdictWord(v Verdict) string {
	switch {
	case !v.Conclusive:
		return "inconclusive"
	case v.Starved:
		return "STARVED"
	default:
		return "ok"
	}
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
	for _, line := range scenarioLines(runs) {
		fmt.Fprintln(bw, line)
	}
	for _, line := range mergedWarnings(runs) {
		fmt.Fprintln(bw, line)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write comparison: %w", err)
	}
	return nil
}

func writeCompareTable(w io.Writer, runs []*Report) error {
	aligns := make([]tw.Align, len(compareColumns))
	header := make([]string, len(compareColumns))
	for i, c := range compareColumns {
		aligns[i], header[i] = tw.AlignLeft, c.text
		if c.right {
			aligns[i] = tw.AlignRight
		}
	}
	rows := make([][]string, len(runs))
	for i, r := range runs {
		rows[i] = compareRow(r)
	}
	return renderTable(w, aligns, header, rows)
}

// compareRow is the row of r in the side-by-side table.
func compareRow(r *Report) []string {
	row := make([]string, len(compareColumns))
	for i, c := range compareColumns {
		row[i] = c.cell(r)
	}
	return row
}

// scenarioLines describe the requests of the runs: one line when they all
// ran the same scenario, as compare does, else one line per run.
func scenarioLines(runs []*Report) []string {
	if len(runs) == 0 {
		return nil
	}
	lines := make([]string, len(runs))
	same := true
	for i, r := range runs {
		lines[i] = scenarioLine(r)
		same = same && lines[i] == lines[0]
	}
	if same {
		return lines[:1]
	}
	for i, r := range runs {
		lines[i] = r.Name() + ": " + lines[i]
	}
	return lines
}
