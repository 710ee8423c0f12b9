package export

import (
	"encoding/csv"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

// csvRows writes runs with write, checks that the output is well-formed
// CSV under header, and returns its rows.
func csvRows(t *testing.T, write func(io.Writer, []*report.Report) error, runs []*report.Report, header []string) [][]string {
	t.Helper()
	data := fixture.Written(t, write, runs)
	records, err := csv.NewReader(strings.NewReader(data)).ReadAll() // also checks equal field counts
	if err != nil {
		t.Fatalf("output is not valid CSV: %v\n%s", err, data)
	}
	if !reflect.DeepEqual(records[0], header) {
		t.Fatalf("header = %q, want %q", records[0], header)
	}
	return records[1:]
}

// assertMs checks that a CSV cell holds ms to the precision written.
func assertMs(t *testing.T, column, cell string, want float64) {
	t.Helper()
	got, err := strconv.ParseFloat(cell, 64)
	if err != nil {
		t.Errorf("%s = %q, not a number", column, cell)
		return
	}
	if math.Abs(got-want) > 0.0005+1e-9 { // half the last decimal
		t.Errorf("%s = %v, want %v", column, got, want)
	}
}

// csvVerdict is what the starved column must hold for v: its verdict, or
// nothing when there is none.
func csvVerdict(v report.Verdict) string {
	if !v.Conclusive {
		return ""
	}
	return strconv.FormatBool(v.Starved)
}

// No row of a run that failed reads as a healthy one: its status says
// failed, and it has no verdict, not "false". A stage without load has no
// verdict either, as the text report says.
func TestCSVOfAFailedRunDoesNotLookHealthy(t *testing.T) {
	failed := fixture.Report(t, "external_errors")
	if failed.Status != report.StatusFailed || failed.Verdict.Conclusive {
		t.Fatalf("fixture external_errors: status %q, conclusive %v: want a failed run without a verdict", failed.Status, failed.Verdict.Conclusive)
	}
	col := map[string]int{}
	for i, name := range statsCSVHeader {
		col[name] = i
	}
	for _, row := range csvRows(t, WriteCSV, []*report.Report{failed}, statsCSVHeader) {
		if row[col["status"]] != "failed" || row[col["starved"]] != "" {
			t.Errorf("%s/%s: status %q, starved %q: want failed and no verdict", row[col["endpoint"]], row[col["phase"]], row[col["status"]], row[col["starved"]])
		}
	}
	for _, row := range csvRows(t, WriteCSV, []*report.Report{fixture.Staged()}, statsCSVHeader) {
		if strings.HasPrefix(row[col["phase"]], "stage1_") && row[col["starved"]] != "" {
			t.Errorf("%s: starved %q for a stage without load, want no verdict", row[col["phase"]], row[col["starved"]])
		}
	}
}

func TestWriteCSV(t *testing.T) {
	runs := fixture.Compare(t)
	runs[2].Label = `staging, "eu"` // needs quoting
	rows := csvRows(t, WriteCSV, runs, statsCSVHeader)
	if want := 4 * len(runs); len(rows) != want {
		t.Fatalf("%d rows, want %d (4 per run)", len(rows), want)
	}
	col := map[string]int{}
	for i, name := range statsCSVHeader {
		col[name] = i
	}
	for i, r := range runs {
		for j, ps := range r.Rows() {
			row := rows[4*i+j]
			t.Run(r.Name()+"/"+ps.Endpoint+"/"+ps.Phase, func(t *testing.T) {
				s := ps.Stats
				for name, want := range map[string]string{
					"run": r.Name(), "mode": r.Mode, "target": r.Target, "endpoint": ps.Endpoint, "phase": ps.Phase,
					"count": strconv.Itoa(s.Count), "ok": strconv.Itoa(s.OK), "errors": strconv.Itoa(s.Errors),
					"starved": csvVerdict(r.Verdict), "status": string(r.Status),
				} {
					if got := row[col[name]]; got != want {
						t.Errorf("%s = %q, want %q", name, got, want)
					}
				}
				for name, want := range map[string]float64{
					"min_ms": s.MinMs, "p50_ms": s.P50Ms, "p90_ms": s.P90Ms, "p99_ms": s.P99Ms,
					"max_ms": s.MaxMs, "mean_ms": s.MeanMs,
				} {
					if !s.HasLatencies() {
						// No answer behind the figure: an empty cell, never 0.
						if got := row[col[name]]; got != "" {
							t.Errorf("%s = %q with nothing answered, want empty", name, got)
						}
						continue
					}
					assertMs(t, name, row[col[name]], want)
				}
			})
		}
	}
}

func TestWriteRequestsCSV(t *testing.T) {
	runs := []*report.Report{fixture.Report(t, "blocking_starved"), fixture.Report(t, "external_errors")}
	rows := csvRows(t, WriteRequestsCSV, runs, requestsCSVHeader)
	if want := len(runs[0].Requests) + len(runs[1].Requests); len(rows) != want {
		t.Fatalf("%d rows, want one per request (%d)", len(rows), want)
	}
	for i, row := range rows {
		r, q := runs[0], report.Request{}
		if i < len(r.Requests) {
			q = r.Requests[i]
		} else {
			r = runs[1]
			q = r.Requests[i-len(runs[0].Requests)]
		}
		if got, want := row[:3], []string{r.Name(), q.Endpoint, q.Phase}; !reflect.DeepEqual(got, want) {
			t.Errorf("row %d starts %q, want %q", i, got, want)
		}
		for j, want := range []float64{q.ScheduledMs, q.StartMs, q.EndMs, q.LatencyMs, q.UncorrectedMs} {
			assertMs(t, requestsCSVHeader[3+j], row[3+j], want)
		}
		if row[8] != strconv.Itoa(q.Status) || row[9] != q.Error {
			t.Errorf("row %d status, error = %q, %q; want %d, %q", i, row[8], row[9], q.Status, q.Error)
		}
	}
}

func TestCSVGolden(t *testing.T) {
	tests := []struct {
		name  string
		write func(io.Writer, []*report.Report) error
		runs  []*report.Report
	}{
		{"stats", WriteCSV, fixture.Compare(t)},
		{"requests", WriteRequestsCSV, []*report.Report{fixture.Report(t, "external_errors")}},
		{"loop", WriteCSV, []*report.Report{fixture.Report(t, "external_agent"), fixture.Report(t, "external_errors")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fixture.Golden(t, "csv_"+tc.name+".golden", []byte(fixture.Written(t, tc.write, tc.runs)))
		})
	}
}

// TestCSVLoop checks the loop's columns: the run's figures on each row of
// its own phases, the culprit by name, and an empty cell, never 0, for a
// figure nothing measured.
func TestCSVLoop(t *testing.T) {
	embedded := fixture.Report(t, "blocking_starved")
	embedded.Loop.Source, embedded.Loop.StallsOver, embedded.Loop.ThresholdMs = report.SourceEmbedded, 1, 20
	noLag := fixture.Report(t, "external_agent")
	noLag.Label, noLag.Loop.Agent.Heartbeats = "no lag", 0
	silent := fixture.Report(t, "external_agent")
	silent.Label = "silent"
	silent.Loop = &report.Loop{Source: report.SourceAgent, Agent: &report.LoopAgent{URL: "http://127.0.0.1:9999/debug/loop"}, Lost: "connection refused"}
	calm := fixture.Report(t, "external_agent")
	calm.Label = "calm"
	calm.Loop.Stalls, calm.Loop.StallsOver, calm.Loop.MissedStalls, calm.Loop.SlowestHandler = nil, 0, 0, ""
	calm.Loop.SlowestCallbackMs, calm.Loop.LagP99Ms, calm.Loop.LagMaxMs = 3.2, 1.1, 3.2
	unlabelled := fixture.Report(t, "blocking_starved") // written before stalls were counted
	unlabelled.Label = "old"

	cases := []struct {
		name string
		r    *report.Report
		// lag p50, p99, max, slowest, stalls, handler
		want []string
	}{
		{"embedded", embedded, []string{"2480.200", "4950.700", "4990.100", "5000.310", "1", "ComplexHandler"}},
		{"agent: its slowest stall's handler", fixture.Report(t, "external_agent"),
			[]string{"0.200", "4998.200", "4998.200", "4998.200", "3", "BlockingComplexHandler.get"}},
		{"agent without lag: no lag, not 0", noLag, []string{"", "", "", "4998.200", "3", "BlockingComplexHandler.get"}},
		{"agent that never answered: nothing", silent, []string{"", "", "", "", "", ""}},
		{"agent with no stall names no culprit", calm, []string{"0.200", "1.100", "3.200", "3.200", "0", ""}},
		{"external target without an agent: nothing", fixture.Report(t, "external_errors"), []string{"", "", "", "", "", ""}},
		{"a report before stalls were counted: no count", unlabelled, []string{"2480.200", "4950.700", "4990.100", "5000.310", "", "ComplexHandler"}},
	}
	col := map[string]int{}
	for i, name := range statsCSVHeader {
		col[name] = i
	}
	names := []string{"loop_lag_p50_ms", "loop_lag_p99_ms", "loop_lag_max_ms", "loop_slowest_callback_ms", "loop_stalls_over_threshold", "loop_slowest_handler"}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rows := csvRows(t, WriteCSV, []*report.Report{tc.r}, statsCSVHeader)
			if len(rows) != 4 {
				t.Fatalf("%d rows, want 4", len(rows))
			}
			for _, row := range rows {
				for i, name := range names {
					j, ok := col[name]
					if !ok {
						t.Fatalf("no column %s in %q", name, statsCSVHeader)
					}
					if row[j] != tc.want[i] {
						t.Errorf("%s/%s: %s = %q, want %q", row[3], row[4], name, row[j], tc.want[i])
					}
				}
			}
		})
	}
	t.Run("stage rows: the loop was not measured per stage", func(t *testing.T) {
		r := fixture.Staged()
		rows := csvRows(t, WriteCSV, []*report.Report{r}, statsCSVHeader)
		stages := 0
		for _, row := range rows {
			if !strings.HasPrefix(row[4], "stage") {
				if r.Loop != nil && row[col["loop_lag_p99_ms"]] == "" {
					t.Errorf("%s/%s: no loop lag on a row of the run", row[3], row[4])
				}
				continue
			}
			stages++
			for _, name := range names {
				if got := row[col[name]]; got != "" {
					t.Errorf("%s/%s: %s = %q, want empty", row[3], row[4], name, got)
				}
			}
		}
		if stages == 0 {
			t.Fatal("no stage rows")
		}
	})
}
