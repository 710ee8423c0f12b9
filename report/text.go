package report

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter/tw"
)

// uncorrectedPhase labels the row of MainHandler latencies under load
// measured from the actual send; uncorrectedNote explains it below the table.
const (
	uncorrectedPhase = "loaded -U"
	uncorrectedNote  = "-U: uncorrected, timed from the actual send, not the schedule (like wrk2 -U); hides queueing"
)

// generatorLagWarnMs is the send lag (p99) above which the report warns that
// the generator, not the target, fell behind. Below it, lag is timer and
// scheduling noise of a loaded machine.
const generatorLagWarnMs = 5

// WriteText writes r for people: what was run, one table of latencies per
// endpoint and phase, the errors, the verdict, the loop's figures and any
// warnings. It fits a terminal of about 100 columns and uses no colour.
func WriteText(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, headerLine(r))
	fmt.Fprintln(bw, scenarioLine(r))
	fmt.Fprintf(bw, "started %s, took %s\n\n", r.Started.Format("2006-01-02 15:04:05 MST"), shortMs(r.ElapsedMs))
	if err := writeTable(bw, r); err != nil {
		return fmt.Errorf("write text report: %w", err)
	}
	fmt.Fprintln(bw, uncorrectedNote)
	for _, line := range errorLines(r) {
		fmt.Fprintln(bw, line)
	}
	fmt.Fprintln(bw)
	fmt.Fprintln(bw, VerdictLine(r.Verdict))
	if r.Loop != nil {
		fmt.Fprintln(bw, LoopLine(r.Loop))
	}
	for _, w := range warnings(r) {
		fmt.Fprintln(bw, w)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write text report: %w", err)
	}
	return nil
}

// headerLine names the target, the mode and the target's configuration.
func headerLine(r *Report) string {
	if r.Target != TargetEmbedded {
		return fmt.Sprintf("blockprobe run: external target %s", r.Target)
	}
	c := r.Config
	gil := "off"
	if c.GIL {
		gil = "on"
	}
	pool := ""
	if r.Mode == "pooled" {
		pool = fmt.Sprintf(", pool %d", c.Pool)
	}
	return fmt.Sprintf("blockprobe run: embedded target, mode %s (complex-delay %s, work %s%s, GIL %s)",
		r.Mode, shortMs(c.ComplexDelayMs), c.Work, pool, gil)
}

// scenarioLine describes the requests the run sent.
func scenarioLine(r *Report) string {
	c := r.Config
	mainPath, complexPath := c.MainPath, c.ComplexPath
	if mainPath == "" {
		mainPath = "/"
	}
	if complexPath == "" {
		complexPath = "/complex"
	}
	workers := "workers"
	if c.Concurrency == 1 {
		workers = "worker"
	}
	return fmt.Sprintf("baseline %d x GET %s, load: %d %s x GET %s for %s, probes GET %s at %s/s",
		c.Baseline, mainPath, c.Concurrency, workers, complexPath, shortMs(c.DurationMs),
		mainPath, strconv.FormatFloat(c.Rate, 'g', -1, 64))
}

// tableRow is one row of the latency table.
type tableRow struct {
	endpoint, phase string
	stats           Stats
}

func tableRows(r *Report) []tableRow {
	handler := map[string]string{EndpointMain: "MainHandler", EndpointComplex: "ComplexHandler"}
	var rows []tableRow
	for _, row := range r.Rows() {
		phase := row.Phase
		if phase == PhaseLoadedUncorrected {
			phase = uncorrectedPhase
		}
		rows = append(rows, tableRow{handler[row.Endpoint], phase, *row.Stats})
	}
	return rows
}

// cells are the row's cells in a table of the given statistics: its
// handler, its phase, and each statistic.
func (row tableRow) cells(stats []Statistic) []string {
	cells := []string{row.endpoint, row.phase}
	for _, st := range stats {
		cells = append(cells, st.Cell(row.stats))
	}
	return cells
}

func writeTable(w io.Writer, r *Report) error {
	aligns := []tw.Align{tw.AlignLeft, tw.AlignLeft}
	header := []string{"ENDPOINT", "PHASE"}
	for _, st := range Statistics {
		aligns, header = append(aligns, tw.AlignRight), append(header, strings.ToUpper(st.Name))
	}
	var rows [][]string
	for _, row := range tableRows(r) {
		rows = append(rows, row.cells(Statistics))
	}
	return renderTable(w, aligns, header, rows)
}

// errorLines lists the error classes of each row that has errors, one line
// per row.
func errorLines(r *Report) []string {
	var lines []string
	for _, row := range tableRows(r) {
		if row.phase == uncorrectedPhase || len(row.stats.ErrorsByClass) == 0 {
			continue // the same requests as the corrected row
		}
		classes := make([]string, 0, len(row.stats.ErrorsByClass))
		for class, n := range row.stats.ErrorsByClass {
			classes = append(classes, fmt.Sprintf("%s %d", class, n))
		}
		sort.Strings(classes)
		lines = append(lines, fmt.Sprintf("Errors, %s %s: %s", row.endpoint, row.phase, strings.Join(classes, ", ")))
	}
	return lines
}
