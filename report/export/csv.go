package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/blockprobe/blockprobe/report"
)

// csvFloatPrecision is the decimals of a latency in milliseconds:
// microseconds, the resolution of the latencies.
const csvFloatPrecision = 3

// statsCSVHeader is the header row of WriteCSV: the run, its endpoint and
// phase, every statistic by its JSON name, the verdict, then the run's
// loop figures by their JSON names under "loop_" (loop_lag_p99_ms), the
// culprit, loop_slowest_handler, and last the run's status.
var statsCSVHeader = func() []string {
	h := []string{"run", "mode", "target", "endpoint", "phase"}
	for _, st := range report.Statistics {
		h = append(h, st.Member)
	}
	h = append(h, "starved")
	for _, st := range report.LoopStatistics {
		h = append(h, "loop_"+st.Member)
	}
	return append(h, "loop_slowest_handler", "status")
}()

// requestsCSVHeader is the header row of WriteRequestsCSV.
var requestsCSVHeader = []string{"run", "endpoint", "phase", "scheduled_ms", "start_ms", "end_ms",
	"latency_ms", "uncorrected_ms", "status", "error"}

// WriteCSV writes the statistics of runs for spreadsheets and scripts: a
// header row, then a row per run, endpoint and phase, and per stage of the
// load (phase "stage2_loaded"). Latencies are in milliseconds with three
// decimals; starved is the run's verdict, or the stage's, and empty when
// there is none (a run that failed or measured too little is not "false").
// The loop's figures cover the whole run: they stand on each row of its own
// phases and are empty on a stage's, which nothing measured them over.
// status is the run's (ok, failed, inconclusive, interrupted), on every
// row, so that no row of a failed run reads as a healthy one.
func WriteCSV(w io.Writer, runs []*report.Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(statsCSVHeader); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	for _, r := range runs {
		var rows [][]string
		loop := loopCSVCells(r.Loop)
		status := string(r.Status)
		for _, ps := range r.Rows() {
			rows = append(rows, append(append(statsCSVRow(r, ps, r.Verdict), loop...), status))
		}
		noLoop := make([]string, len(loop))
		for _, sr := range r.StageRows() {
			rows = append(rows, append(append(statsCSVRow(r, sr.Row, r.Stages[sr.Stage].Verdict), noLoop...), status))
		}
		if err := cw.WriteAll(rows); err != nil {
			return fmt.Errorf("write CSV: %w", err)
		}
	}
	return flushCSV(cw)
}

// statsCSVRow is the CSV row of one row of r's statistics.
func statsCSVRow(r *report.Report, ps report.Row, verdict report.Verdict) []string {
	row := []string{r.Name(), r.Mode, r.Target, ps.Endpoint, ps.Phase}
	for _, st := range report.Statistics {
		v := strconv.FormatFloat(st.Of(*ps.Stats), 'f', -1, 64)
		switch {
		case st.Latency() && !ps.Stats.HasLatencies():
			v = "" // nothing was answered: no figure, not 0
		case st.Latency():
			v = csvMs(st.Of(*ps.Stats))
		}
		row = append(row, v)
	}
	starved := "" // no verdict: not false
	if verdict.Conclusive {
		starved = strconv.FormatBool(verdict.Starved)
	}
	return append(row, starved)
}

// loopCSVCells are the cells of l's figures in WriteCSV, in the order of
// report.LoopStatistics, then the culprit. A figure the loop has not, as
// without loop figures, from an agent that gave no lag, or a stall count in
// a report that predates it, is empty, never 0.
func loopCSVCells(l *report.Loop) []string {
	cells := make([]string, 0, len(report.LoopStatistics)+1)
	for _, st := range report.LoopStatistics {
		v, missing := st.OfLoop(l)
		switch {
		case missing != "":
			cells = append(cells, "")
		case st.Latency():
			cells = append(cells, csvMs(v))
		default:
			cells = append(cells, strconv.FormatFloat(v, 'f', -1, 64))
		}
	}
	culprit := ""
	if l != nil && l.Answered() {
		culprit = l.Culprit()
	}
	return append(cells, culprit)
}

// WriteRequestsCSV writes every request of runs, one row each after a
// header row, for plotting latency over time. Times are offsets from the
// start of the run in milliseconds; error is the error class, empty when
// the request went well.
func WriteRequestsCSV(w io.Writer, runs []*report.Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(requestsCSVHeader); err != nil {
		return fmt.Errorf("write requests CSV: %w", err)
	}
	for _, r := range runs {
		name := r.Name()
		for _, q := range r.Requests {
			row := []string{name, q.Endpoint, q.Phase, csvMs(q.ScheduledMs), csvMs(q.StartMs), csvMs(q.EndMs),
				csvMs(q.LatencyMs), csvMs(q.UncorrectedMs), strconv.Itoa(q.Status), q.Error}
			if err := cw.Write(row); err != nil {
				return fmt.Errorf("write requests CSV: %w", err)
			}
		}
	}
	return flushCSV(cw)
}

func flushCSV(cw *csv.Writer) error {
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	return nil
}

// csvMs renders milliseconds with microsecond precision.
func csvMs(ms float64) string { return strconv.FormatFloat(ms, 'f', csvFloatPrecision, 64) }
