package export

import (
	"bytes"
	"encoding/csv"
	"math"
	"reflect"
	"strconv"
	"testing"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

// readCSV parses CSV output back, checking that it is well-formed.
func readCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	records, err := csv.NewReader(bytes.NewReader(data)).ReadAll() // also checks equal field counts
	if err != nil {
		t.Fatalf("output is not valid CSV: %v\n%s", err, data)
	}
	return records
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

func TestWriteCSV(t *testing.T) {
	runs := fixture.Compare(t)
	runs[2].Label = `staging, "eu"` // needs quoting
	var buf bytes.Buffer
	if err := WriteCSV(&buf, runs); err != nil {
		t.Fatalf("WriteCSV: %v", err)
	}
	records := readCSV(t, buf.Bytes())
	if !reflect.DeepEqual(records[0], statsCSVHeader) {
		t.Fatalf("header = %q, want %q", records[0], statsCSVHeader)
	}
	rows := records[1:]
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
					"starved": strconv.FormatBool(r.Verdict.Starved),
				} {
					if got := row[col[name]]; got != want {
						t.Errorf("%s = %q, want %q", name, got, want)
					}
				}
				for name, want := range map[string]float64{
					"min_ms": s.MinMs, "p50_ms": s.P50Ms, "p90_ms": s.P90Ms, "p99_ms": s.P99Ms,
					"max_ms": s.MaxMs, "mean_ms": s.MeanMs,
				} {
					assertMs(t, name, row[col[name]], want)
				}
			})
		}
	}
}

func TestWriteRequestsCSV(t *testing.T) {
	runs := []*report.Report{fixture.Report(t, "blocking_starved"), fixture.Report(t, "external_errors")}
	var buf bytes.Buffer
	if err := WriteRequestsCSV(&buf, runs); err != nil {
		t.Fatalf("WriteRequestsCSV: %v", err)
	}
	records := readCSV(t, buf.Bytes())
	if !reflect.DeepEqual(records[0], requestsCSVHeader) {
		t.Fatalf("header = %q, want %q", records[0], requestsCSVHeader)
	}
	rows := records[1:]
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
		write func(*bytes.Buffer) error
	}{
		{"stats", func(b *bytes.Buffer) error { return WriteCSV(b, fixture.Compare(t)) }},
		{"requests", func(b *bytes.Buffer) error {
			return WriteRequestsCSV(b, []*report.Report{fixture.Report(t, "external_errors")})
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.write(&buf); err != nil {
				t.Fatal(err)
			}
			fixture.Golden(t, "csv_"+tc.name+".golden", buf.Bytes())
		})
	}
}
