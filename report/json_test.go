package report_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

// A figure with no answer behind it is null in the JSON, never 0, and
// reads back as the report it came from.
func TestJSONHasNoFigureWithoutAnswers(t *testing.T) {
	r := fixture.Report(t, "blocking_partial") // every probe under load unanswered
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Endpoints struct {
			Main struct{ Baseline, Loaded map[string]any }
		}
		Verdict map[string]any
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, member := range []string{"min_ms", "p50_ms", "p90_ms", "p99_ms", "max_ms", "mean_ms"} {
		if v, ok := doc.Endpoints.Main.Loaded[member]; !ok || v != nil {
			t.Errorf("main.loaded.%s = %v (present %v), want null", member, v, ok)
		}
		if v := doc.Endpoints.Main.Baseline[member]; v == nil {
			t.Errorf("main.baseline.%s is null, but the baseline was answered", member)
		}
	}
	if n := doc.Endpoints.Main.Loaded["count"]; n != float64(40) {
		t.Errorf("main.loaded.count = %v, want 40 beside the null figures", n)
	}
	for member, want := range map[string]any{"main_p99_loaded_ms": nil, "excess_ms": nil, "main_p99_baseline_ms": 0.425} {
		if v, ok := doc.Verdict[member]; !ok || v != want {
			t.Errorf("verdict.%s = %v (present %v), want %v", member, v, ok, want)
		}
	}
}

// Every number of a report is what was measured, to the microsecond: no
// binary noise such as 0.40700000000000003.
func TestJSONFiguresAreRoundedToMicroseconds(t *testing.T) {
	for _, r := range fixture.Compare(t) {
		var buf bytes.Buffer
		if err := report.WriteJSON(&buf, r); err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(&buf)
		dec.UseNumber()
		var doc any
		if err := dec.Decode(&doc); err != nil {
			t.Fatal(err)
		}
		walkNumbers(doc, "", func(path string, n json.Number) {
			places := 3 // milliseconds to the microsecond
			if strings.HasSuffix(path, "busy_fraction") {
				places = 4
			}
			if _, frac, ok := strings.Cut(n.String(), "."); ok && len(frac) > places {
				t.Errorf("%s: %s = %s, more decimals than measured", r.Name(), path, n)
			}
		})
	}
}

func walkNumbers(v any, path string, f func(string, json.Number)) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			walkNumbers(x, path+"."+k, f)
		}
	case []any:
		for _, x := range v {
			walkNumbers(x, path+"[]", f)
		}
	case json.Number:
		f(path, v)
	}
}
