package report

import "strconv"

// The tables every format shows alike: the latencies of one run, and
// several runs side by side.

// HandlerNames name the endpoints of a report as the target calls them.
var HandlerNames = map[string]string{EndpointMain: "MainHandler", EndpointComplex: "ComplexHandler"}

// uncorrectedLabel labels the row of MainHandler latencies under load
// measured from the actual send; UncorrectedNote explains it below the
// table.
const (
	uncorrectedLabel = "loaded -U"
	UncorrectedNote  = "-U: uncorrected, timed from the actual send, not the schedule (like wrk2 -U); hides queueing"
)

// TableRow is one row of the latency table: a handler in one phase, as the
// table labels them, and its statistics.
type TableRow struct {
	Endpoint, Phase string
	Stats           Stats
}

// TableRows are the rows of r's latency table, in the order of Rows.
func TableRows(r *Report) []TableRow {
	var rows []TableRow
	for _, row := range r.Rows() {
		phase := row.Phase
		if phase == PhaseLoadedUncorrected {
			phase = uncorrectedLabel
		}
		rows = append(rows, TableRow{HandlerNames[row.Endpoint], phase, *row.Stats})
	}
	return rows
}

// Cells are the row's cells in a table of the given statistics: its
// handler, its phase, and each statistic.
func (row TableRow) Cells(stats []Statistic) []string {
	cells := []string{row.Endpoint, row.Phase}
	for _, st := range stats {
		cells = append(cells, st.Cell(row.Stats))
	}
	return cells
}

// compareColumn is one column of the side-by-side table of several runs,
// shared by the text and the Markdown renderings.
type compareColumn struct {
	// Header is the header of the text table, two lines split by "\n";
	// Short is the one-line header of the Markdown table.
	Header, Short string
	// Right aligns the column right, for numbers.
	Right bool
	Cell  func(*Report) string
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
	{"SLOWEST\nCALLBACK", "slowest callback", false, func(r *Report) string { return SlowestCallback(r.Loop, true) }},
	{"\nVERDICT", "verdict", false, func(r *Report) string { return StatusWord(r) }},
}

// figureColumn is the column of one figure of each run.
func figureColumn(text, md, figure string) compareColumn {
	f := figures(figure)[0]
	return compareColumn{text, md, true, func(r *Report) string { return f.Stat.Cell(*r.Stats(f.Endpoint, f.Phase)) }}
}

// totalErrors counts the failed requests of a run, of both endpoints in
// both phases.
func totalErrors(r *Report) int {
	e := r.Endpoints
	return e.Main.Baseline.Errors + e.Main.Loaded.Errors + e.Complex.Loaded.Errors
}

// CompareTable is the side-by-side table of runs: its header, two lines
// split by "\n" (short: one line, for Markdown), which columns hold
// numbers, and a row per run.
func CompareTable(runs []*Report, short bool) (header []string, right []bool, rows [][]string) {
	for _, c := range compareColumns {
		h := c.Header
		if short {
			h = c.Short
		}
		header, right = append(header, h), append(right, c.Right)
	}
	for _, r := range runs {
		row := make([]string, len(compareColumns))
		for i, c := range compareColumns {
			row[i] = c.Cell(r)
		}
		rows = append(rows, row)
	}
	return header, right, rows
}
