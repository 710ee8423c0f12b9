package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/blockprobe/blockprobe/probe"
)

// Endpoint and phase names of the CSV and benchmark outputs, as in the JSON
// report.
const (
	endpointMain      = string(probe.Main)
	endpointComplex   = string(probe.Complex)
	phaseBaseline     = string(probe.Baseline)
	phaseLoaded       = string(probe.Loaded)
	phaseUncorrected  = "loaded_uncorrected"
	csvFloatPrecision = 3 // microseconds, the resolution of the latencies
)

// statsCSVHeader is the header row of WriteCSV.
var statsCSVHeader = []string{"run", "mode", "target", "endpoint", "phase", "count", "ok", "errors",
	"min_ms", "p50_ms", "p90_ms", "p99_ms", "max_ms", "mean_ms", "starved"}

// requestsCSVHeader is the header row of WriteRequestsCSV.
var requestsCSVHeader = []string{"run", "endpoint", "phase", "scheduled_ms", "start_ms", "end_ms",
	"latency_ms", "uncorrected_ms", "status", "error"}

// WriteCSV writes the statistics of runs for spreadsheets and scripts: a
// header row, then a row per run, endpoint and phase, and per stage of the
// load (phase "stage2_loaded"). Latencies are in milliseconds with three
// decimals; starved is the run's verdict, or the stage's.
func WriteCSV(w io.Writer, runs []*Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(statsCSVHeader); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	for _, r := range runs {
		var rows [][]string
		for _, ps := range r.Rows() {
			rows = append(rows, statsCSVRow(r, ps, r.Verdict.Starved))
		}
		if err := cw.WriteAll(append(rows, stageCSVRows(r)...)); err != nil {
			return fmt.Errorf("write CSV: %w", err)
		}
	}
	return flushCSV(cw)
}

// statsCSVRow is the CSV row of one row of r's statistics.
func statsCSVRow(r *Report, ps Row, starved bool) []string {
	s := ps.Stats
	return []string{r.Name(), r.Mode, r.Target, ps.Endpoint, ps.Phase,
		strconv.Itoa(s.Count), strconv.Itoa(s.OK), strconv.Itoa(s.Errors),
		csvMs(s.MinMs), csvMs(s.P50Ms), csvMs(s.P90Ms), csvMs(s.P99Ms), csvMs(s.MaxMs), csvMs(s.MeanMs),
		strconv.FormatBool(starved)}
}

// WriteRequestsCSV writes every request of runs, one row each after a
// header row, for plotting latency over time. Times are offsets from the
// start of the run in milliseconds; error is the error class, empty when
// the request went well.
func WriteRequestsCSV(w io.Writer, runs []*Report) error {
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
