package report

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
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
	if r.GeneratorLagP99Ms > generatorLagWarnMs {
		fmt.Fprintf(bw, "Generator lag: p99 %s behind schedule; the load generator itself fell behind\n",
			FormatMs(r.GeneratorLagP99Ms))
	}
	for _, n := range r.Notes {
		fmt.Fprintln(bw, "Note: "+n)
	}
	if r.Partial {
		fmt.Fprintln(bw, "PARTIAL: interrupted")
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
	stats           StatsJSON
}

func tableRows(r *Report) []tableRow {
	m, c := r.Endpoints.Main, r.Endpoints.Complex
	return []tableRow{
		{"MainHandler", "baseline", m.Baseline},
		{"MainHandler", "loaded", m.Loaded},
		{"MainHandler", uncorrectedPhase, m.LoadedUncorrected},
		{"ComplexHandler", "loaded", c.Loaded},
	}
}

func writeTable(w io.Writer, r *Report) error {
	left, right := tw.AlignLeft, tw.AlignRight
	// Two blanks between columns and none at either end of a line. The
	// padding strings are fill characters, so each must be a single one.
	first, mid, last := tw.Padding{Right: " ", Overwrite: true}, tw.PaddingDefault, tw.Padding{Left: " ", Overwrite: true}
	padding := []tw.Padding{first, mid, mid, mid, mid, mid, mid, mid, mid, mid, last}
	table := tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Symbols: tw.NewSymbols(tw.StyleASCII),
			Settings: tw.Settings{
				Separators: tw.Separators{BetweenColumns: tw.Off, BetweenRows: tw.Off},
				Lines:      tw.Lines{ShowHeaderLine: tw.On},
			},
		})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderPaddingPerColumn(padding),
		tablewriter.WithRowPaddingPerColumn(padding),
		tablewriter.WithAlignment(tw.Alignment{left, left, right, right, right, right, right, right, right, right, right}),
	)
	table.Header("ENDPOINT", "PHASE", "COUNT", "OK", "ERRORS", "MIN", "P50", "P90", "P99", "MAX", "MEAN")
	for _, row := range tableRows(r) {
		s := row.stats
		cells := []string{row.endpoint, row.phase, strconv.Itoa(s.Count), strconv.Itoa(s.OK), strconv.Itoa(s.Errors)}
		for _, v := range []float64{s.MinMs, s.P50Ms, s.P90Ms, s.P99Ms, s.MaxMs, s.MeanMs} {
			cells = append(cells, latencyCell(s, v))
		}
		if err := table.Append(cells); err != nil {
			return err
		}
	}
	return table.Render()
}

// latencyCell shows a latency, or "-" when no request of the row was
// answered and so there is none.
func latencyCell(s StatsJSON, ms float64) string {
	if s.Count == 0 || s.MaxMs == 0 {
		return "-"
	}
	return FormatMs(ms)
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
