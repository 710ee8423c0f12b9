package report_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/blockprobe/blockprobe/probe"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

func TestJSONRoundTrip(t *testing.T) {
	for _, f := range fixture.Runs() {
		t.Run(f.Name, func(t *testing.T) {
			want := f.Report()
			buf := jsonOf(t, want)
			if !strings.HasSuffix(buf.String(), "}\n") {
				t.Errorf("WriteJSON output does not end in a newline")
			}
			got, err := report.Decode(buf)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Decode(WriteJSON(r)) differs from r\ngot:  %+v\nwant: %+v", got, want)
			}
			checkHistograms(t, got)
		})
	}
}

// jsonOf is r as WriteJSON writes it.
func jsonOf(t *testing.T, r *report.Report) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, r); err != nil {
		t.Fatalf("WriteJSON: %v", err)
	}
	return &buf
}

// TestJSONContract checks the member names of the JSON report, which CI jobs and
// lab sheets depend on.
func TestJSONContract(t *testing.T) {
	buf := jsonOf(t, fixture.Runs()[0].Report())
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	stats := []string{"count", "ok", "errors", "min_ms", "p50_ms", "p90_ms", "p99_ms", "max_ms", "mean_ms"}
	tests := []struct {
		name string
		path []string
		keys []string
	}{
		{"top level", nil, []string{"mode", "target", "command", "started", "elapsed_ms", "partial", "config",
			"endpoints", "verdict", "generator_lag_p99_ms", "load_window", "loop", "requests"}},
		{"config", []string{"config"}, []string{"complex_delay_ms", "pool", "work", "gil", "concurrency", "rate",
			"baseline", "duration_ms", "timeout_ms", "starve_threshold_ms", "main_path", "complex_path"}},
		{"main baseline", []string{"endpoints", "main", "baseline"}, stats},
		{"main loaded", []string{"endpoints", "main", "loaded"}, stats},
		{"main loaded uncorrected", []string{"endpoints", "main", "loaded_uncorrected"}, stats},
		{"complex loaded", []string{"endpoints", "complex", "loaded"}, stats},
		{"verdict", []string{"verdict"}, []string{"starved", "conclusive", "main_p99_baseline_ms",
			"main_p99_loaded_ms", "threshold_ms", "excess_ms", "probes", "stalled", "no_baseline", "summary"}},
		{"load window", []string{"load_window"}, []string{"start_ms", "end_ms"}},
		{"loop", []string{"loop"}, []string{"slowest_callback_ms", "slowest_handler", "lag_p99_ms", "busy_fraction"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			obj := doc
			for _, p := range tc.path {
				next, ok := obj[p].(map[string]any)
				if !ok {
					t.Fatalf("%s is not an object", strings.Join(tc.path, "."))
				}
				obj = next
			}
			for _, k := range tc.keys {
				if _, ok := obj[k]; !ok {
					t.Errorf("%s has no %q member", strings.Join(append([]string{"report"}, tc.path...), "."), k)
				}
			}
		})
	}
	t.Run("request", func(t *testing.T) {
		reqs, ok := doc["requests"].([]any)
		if !ok || len(reqs) == 0 {
			t.Fatalf("requests is not a non-empty array")
		}
		req := reqs[0].(map[string]any)
		for _, k := range []string{"endpoint", "phase", "scheduled_ms", "start_ms", "end_ms", "latency_ms",
			"uncorrected_ms", "status", "error"} {
			if _, ok := req[k]; !ok {
				t.Errorf("request has no %q member", k)
			}
		}
	})
}

func TestNew(t *testing.T) {
	blocking := fixture.Named(t, "blocking_starved")
	res := blocking.Result
	meta := report.Meta{Mode: "blocking", Target: report.TargetEmbedded, Config: fixture.EmbeddedConfig(), Notes: []string{"a note"}}

	t.Run("embedded", func(t *testing.T) {
		r := report.New(meta, res, blocking.Loop)
		if r.Verdict.Summary != report.VerdictLine(r.Verdict) || !strings.Contains(r.Verdict.Summary, "STARVED") {
			t.Errorf("Verdict.Summary = %q, want the starved VerdictLine", r.Verdict.Summary)
		}
		if got, want := len(r.Requests), len(res.Records); got != want {
			t.Errorf("len(Requests) = %d, want %d", got, want)
		}
		if !reflect.DeepEqual(r.Notes, []string{"a note"}) {
			t.Errorf("Notes = %q, want only the given note", r.Notes)
		}
		last := r.Requests[len(r.Requests)-1]
		rec := res.Records[len(res.Records)-1]
		if last.LatencyMs != millis(rec.Latency()) || last.UncorrectedMs != millis(rec.Uncorrected()) {
			t.Errorf("last request latencies = %v, %v; want %v, %v",
				last.LatencyMs, last.UncorrectedMs, millis(rec.Latency()), millis(rec.Uncorrected()))
		}
		if r.Endpoints.Main.Loaded.P99Ms != millis(res.MainLoaded.P99) {
			t.Errorf("main loaded p99 = %v ms, want %v", r.Endpoints.Main.Loaded.P99Ms, res.MainLoaded.P99)
		}
	})
	t.Run("external adds the loop note", func(t *testing.T) {
		ext := meta
		ext.Mode, ext.Target = "external", "http://127.0.0.1:8080"
		r := report.New(ext, res, nil)
		if len(r.Notes) != 2 || r.Notes[0] != "a note" || !strings.HasPrefix(r.Notes[1], "no loop agent answered at the target's /debug/loop") ||
			!strings.Contains(r.Notes[1], "blockprobe_agent.py") || !strings.Contains(r.Notes[1], "blockprobe-agent.js") {
			t.Errorf("Notes = %q, want a note and how to attach a loop agent", r.Notes)
		}
		if meta.Notes[0] != "a note" || len(meta.Notes) != 1 {
			t.Errorf("New changed the caller's notes: %q", meta.Notes)
		}
	})
	t.Run("empty run", func(t *testing.T) {
		r := report.New(report.Meta{Mode: "async", Target: report.TargetEmbedded}, &probe.Result{Started: time.Now()}, fixture.Named(t, "async_not_starved").Loop)
		buf := jsonOf(t, r)
		if !strings.Contains(buf.String(), `"requests": []`) {
			t.Errorf("an empty run must encode requests as [], got:\n%s", buf.String())
		}
		got, err := report.Decode(buf)
		if err != nil {
			t.Fatalf("Decode: %v", err)
		}
		if !got.Started.Equal(r.Started) {
			t.Errorf("Started = %v, want %v", got.Started, r.Started)
		}
	})
}

func TestDecodeRejects(t *testing.T) {
	tests := []struct {
		name, in, wantErr string
	}{
		{"empty", "", "invalid JSON"},
		{"not JSON", "MainHandler STARVED", "invalid JSON"},
		{"array", `[1, 2]`, "JSON array, not an object"},
		{"string", `"report"`, "JSON string, not an object"},
		{"null", `null`, `no "mode" field`},
		{"other object", `{"name": "x", "version": 2}`, `no "mode" field`},
		{"compare report", `{"runs": []}`, "several runs"},
		{"missing requests", `{"mode": "async", "target": "embedded", "started": "2025-03-01T12:00:00Z",
			"config": {}, "endpoints": {}, "verdict": {}}`, `no "requests" field`},
		{"empty mode", `{"mode": "", "target": "embedded", "started": "2025-03-01T12:00:00Z",
			"config": {}, "endpoints": {}, "verdict": {}, "requests": []}`, "mode or target is empty"},
		{"wrong type", `{"mode": 3, "target": "embedded", "started": "2025-03-01T12:00:00Z",
			"config": {}, "endpoints": {}, "verdict": {}, "requests": []}`, "cannot unmarshal"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := report.Decode(strings.NewReader(tc.in))
			if err == nil {
				t.Fatalf("Decode(%q) = %+v, want an error", tc.in, r)
			}
			if !errors.Is(err, report.ErrNotReport) {
				t.Errorf("Decode error %v does not wrap ErrNotReport", err)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Decode error = %q, want it to mention %q", err, tc.wantErr)
			}
		})
	}
}

func TestName(t *testing.T) {
	tests := []struct {
		name                string
		label, mode, target string
		want                string
	}{
		{"label wins", "staging", "external", "http://10.0.0.7:8080/", "staging"},
		{"label on embedded", "before", "blocking", report.TargetEmbedded, "before"},
		{"embedded is its mode", "", "pooled", report.TargetEmbedded, "pooled"},
		{"external is host:port", "", "external", "http://127.0.0.1:8080/api", "127.0.0.1:8080"},
		{"external without port", "", "external", "https://example.com/", "example.com"},
		{"IPv6", "", "external", "http://[::1]:9000", "[::1]:9000"},
		{"no host keeps the target", "", "external", "localhost:8080", "localhost:8080"},
		{"unparsable keeps the target", "", "external", "http://%zz", "http://%zz"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &report.Report{Label: tc.label, Mode: tc.mode, Target: tc.target}
			if got := r.Name(); got != tc.want {
				t.Errorf("Name() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestLabel(t *testing.T) {
	blocking := fixture.Named(t, "blocking_starved")
	r := report.New(report.Meta{Mode: "blocking", Target: report.TargetEmbedded, Label: "before"}, blocking.Result, blocking.Loop)
	if r.Label != "before" {
		t.Fatalf("New did not copy the label: Label = %q", r.Label)
	}
	buf := jsonOf(t, r)
	if !strings.Contains(buf.String(), `"label": "before"`) {
		t.Errorf("JSON has no label member:\n%.300s", buf.String())
	}
	got, err := report.Decode(buf)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if got.Label != "before" || got.Name() != "before" {
		t.Errorf("decoded Label, Name() = %q, %q; want before", got.Label, got.Name())
	}

	r.Label = ""
	if strings.Contains(jsonOf(t, r).String(), `"label"`) {
		t.Errorf("an unlabelled report must have no label member")
	}
}

// millis converts d to float milliseconds, the report's unit.
func millis(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func TestWriteCompareJSON(t *testing.T) {
	runs := fixture.Compare(t)
	var buf bytes.Buffer
	if err := report.WriteCompareJSON(&buf, runs); err != nil {
		t.Fatalf("WriteCompareJSON: %v", err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	if len(doc) != 1 || doc["runs"] == nil {
		t.Errorf("document has members %v, want only runs", keys(doc))
	}
	got, err := report.DecodeAny(&buf)
	if err != nil {
		t.Fatalf("DecodeAny: %v", err)
	}
	if !reflect.DeepEqual(got, runs) {
		t.Errorf("DecodeAny(WriteCompareJSON(runs)) differs from runs")
	}
	if _, err := report.Decode(bytes.NewReader(buf.Bytes())); !errors.Is(err, report.ErrNotReport) {
		t.Errorf("Decode of a comparison: error %v, want ErrNotReport", err)
	}

	t.Run("no runs", func(t *testing.T) {
		var buf bytes.Buffer
		if err := report.WriteCompareJSON(&buf, nil); err != nil {
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
	one := fixture.Report(t, "blocking_starved")
	got, err := report.DecodeAny(jsonOf(t, one))
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
			runs, err := report.DecodeAny(strings.NewReader(tc.in))
			if err == nil {
				t.Fatalf("DecodeAny(%q) = %d runs, want an error", tc.in, len(runs))
			}
			if !errors.Is(err, report.ErrNotReport) {
				t.Errorf("DecodeAny error %v does not wrap ErrNotReport", err)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("DecodeAny error = %q, want it to mention %q", err, tc.wantErr)
			}
		})
	}
}
