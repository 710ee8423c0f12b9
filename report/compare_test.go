package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blockprobe/blockprobe/probe"
)

func TestWriteCompareJSON(t *testing.T) {
	runs := compareRuns(t)
	var buf bytes.Buffer
	if err := WriteCompareJSON(&buf, runs); err != nil {
		t.Fatalf("WriteCompareJSON: %v", err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	if len(doc) != 1 || doc["runs"] == nil {
		t.Errorf("document has members %v, want only runs", keys(doc))
	}
	got, err := DecodeAny(&buf)
	if err != nil {
		t.Fatalf("DecodeAny: %v", err)
	}
	if !reflect.DeepEqual(got, runs) {
		t.Errorf("DecodeAny(WriteCompareJSON(runs)) differs from runs")
	}
	if _, err := Decode(bytes.NewReader(buf.Bytes())); !errors.Is(err, ErrNotReport) {
		t.Errorf("Decode of a comparison: error %v, want ErrNotReport", err)
	}

	t.Run("no runs", func(t *testing.T) {
		var buf bytes.Buffer
		if err := WriteCompareJSON(&buf, nil); err != nil {
			t.Fatalf("WriteCompareJSON: %v", err)
		}
		if got := strings.Join(strings.Fields(buf.String()), ""); got != `{"runs":[]}` {
			t.Errorf("WriteCompareJSON(nil) = %s, want {\"runs\": []}", buf.String())
		}
	})
}

func keys(m map[string]json.RawMessage) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func TestDecodeAny(t *testing.T) {
	one := fixtureReport(t, "blocking_starved")
	var single bytes.Buffer
	if err := WriteJSON(&single, one); err != nil {
		t.Fatal(err)
	}
	got, err := DecodeAny(&single)
	if err != nil {
		t.Fatalf("DecodeAny of one report: %v", err)
	}
	if len(got) != 1 || !reflect.DeepEqual(got[0], one) {
		t.Errorf("DecodeAny of one report = %d runs, want it alone", len(got))
	}
}

func TestDecodeAnyRejects(t *testing.T) {
	valid := `{"mode": "async", "target": "embedded", "started": "2025-03-01T12:00:00Z",
		"config": {}, "endpoints": {}, "verdict": {}, "requests": []}`
	tests := []struct {
		name, in, wantErr string
	}{
		{"empty", "", "invalid JSON"},
		{"array", `[1]`, "JSON array, not an object"},
		{"other object", `{"name": "x"}`, `no "mode" field`},
		{"empty runs", `{"runs": []}`, `"runs" is empty`},
		{"null runs", `{"runs": null}`, `"runs" is empty`},
		{"runs not an array", `{"runs": {"mode": "async"}}`, `"runs" is not an array`},
		{"run not an object", `{"runs": [` + valid + `, 3]}`, "run 2: not a blockprobe report: it is a JSON number"},
		{"run not a report", `{"runs": [{"name": "x"}]}`, `run 1: not a blockprobe report: it has no "mode" field`},
		{"null run", `{"runs": [null]}`, `run 1: not a blockprobe report: it has no "mode" field`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			runs, err := DecodeAny(strings.NewReader(tc.in))
			if err == nil {
				t.Fatalf("DecodeAny(%q) = %d runs, want an error", tc.in, len(runs))
			}
			if !errors.Is(err, ErrNotReport) {
				t.Errorf("DecodeAny error %v does not wrap ErrNotReport", err)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("DecodeAny error = %q, want it to mention %q", err, tc.wantErr)
			}
		})
	}
}

func TestWriteCompareTextGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCompareText(&buf, compareRuns(t)); err != nil {
		t.Fatalf("WriteCompareText: %v", err)
	}
	checkGolden(t, "compare.golden", buf.Bytes())
}

func TestWriteCompareText(t *testing.T) {
	out := compareText(t, compareRuns(t))
	lines := strings.Split(out, "\n")
	tests := []struct {
		name, prefix string
		want         []string // in the row or line that starts with prefix
	}{
		{"header", "RUN", []string{"P50", "P99", "MAX", "ERRORS", "CALLBACK", "VERDICT"}},
		{"starved row", "blocking  ", []string{"4.93s", "5.00s ComplexHandler", "STARVED"}},
		{"healthy row", "async  ", []string{"550µs", "210µs MainHandler", "  0  ", " ok"}},
		{"external row has no loop", "staging  ", []string{"6.80ms", "  7  ", " -  ", "STARVED"}},
		{"unanswered latencies", "blocking cut/short", []string{" -  ", "41", "2.00s ComplexHandler"}},
		{"verdict line", "blocking: ", []string{"MainHandler STARVED: p99 4.93s"}},
		{"labelled verdict line", "staging: ", []string{"3/40 probes"}},
		{"scenario differs per run", "staging: baseline", []string{"2 workers x GET /slow"}},
		{"note for one run", "Note: staging: ", []string{"loop figures are unavailable"}},
		{"partial", "PARTIAL: blocking cut/short: ", []string{"interrupted"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			line := ""
			for _, l := range lines {
				if strings.HasPrefix(l, tc.prefix) {
					line = l
					break
				}
			}
			if line == "" {
				t.Fatalf("no line starts with %q in\n%s", tc.prefix, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(line, w) {
					t.Errorf("line %q does not contain %q", line, w)
				}
			}
		})
	}

	t.Run("one scenario line for one scenario", func(t *testing.T) {
		out := compareText(t, []*Report{fixtureReport(t, "blocking_starved"), fixtureReport(t, "async_not_starved")})
		if n := strings.Count(out, "baseline 20 x GET /"); n != 1 {
			t.Errorf("scenario appears %d times, want once:\n%s", n, out)
		}
	})
	t.Run("inconclusive", func(t *testing.T) {
		r := fixtureReport(t, "async_not_starved")
		r.Verdict = newVerdict(probe.Verdict{Threshold: 50 * ms})
		out := compareText(t, []*Report{r})
		if !strings.Contains(out, " inconclusive\n") {
			t.Errorf("no inconclusive verdict in\n%s", out)
		}
	})
}

func compareText(t *testing.T, runs []*Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteCompareText(&buf, runs); err != nil {
		t.Fatalf("WriteCompareText: %v", err)
	}
	return buf.String()
}

// TestWriteCompareTextWidth keeps the side-by-side table readable on a
// terminal of about 120 columns, also with the widest figures, errors and
// an inconclusive verdict. Only a long run name can widen it further.
func TestWriteCompareTextWidth(t *testing.T) {
	const maxTableWidth = 120
	inconclusive := fixtureReport(t, "async_not_starved")
	inconclusive.Verdict = newVerdict(probe.Verdict{Threshold: 50 * ms})
	wide := fixtureReport(t, "blocking_starved")
	wide.Label = "blocking" // a mode's name, as compare gives them
	m, c := &wide.Endpoints.Main, &wide.Endpoints.Complex.Loaded
	m.Baseline.P50Ms, m.Baseline.P99Ms = 12.34, 99.99 // idle
	m.Loaded.P50Ms, m.Loaded.P99Ms, m.Loaded.MaxMs, c.P50Ms, c.MaxMs = 999, 999, 999, 999, 999
	m.Loaded.Errors = 1234
	tests := []struct {
		name string
		runs []*Report
	}{
		{"compare", compareRuns(t)},
		{"worst case", []*Report{fixtureReport(t, "blocking_starved"), inconclusive, wide}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := compareText(t, tc.runs)
			table, _, _ := strings.Cut(out, "\n\n") // the table comes first
			for _, line := range strings.Split(table, "\n") {
				if n := utf8.RuneCountInString(line); n > maxTableWidth {
					t.Errorf("table line is %d columns wide, want <= %d: %q", n, maxTableWidth, line)
				}
				if strings.HasSuffix(line, " ") {
					t.Errorf("table line has trailing blanks: %q", line)
				}
			}
		})
	}
}
