package report_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

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
	var single bytes.Buffer
	if err := report.WriteJSON(&single, one); err != nil {
		t.Fatal(err)
	}
	got, err := report.DecodeAny(&single)
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
