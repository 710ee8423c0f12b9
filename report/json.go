package report

import (
	"encoding/json"
	"fmt"
	"io"
)

// EncodeJSON writes v as blockprobe writes every JSON document: indented,
// followed by a newline, and with <, > and & left as they are, since error
// details quote URLs and bodies. what names the document in an error.
func EncodeJSON(w io.Writer, v any, what string) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write %s: %w", what, err)
	}
	return nil
}

// WriteJSON writes r as indented JSON followed by a newline.
func WriteJSON(w io.Writer, r *Report) error { return EncodeJSON(w, r, "JSON report") }

// comparison is the JSON document of several runs of one scenario, as
// written by `blockprobe compare`: {"runs": [...]}.
type comparison struct {
	Runs []*Report `json:"runs"`
}

// WriteCompareJSON writes runs as an indented comparison followed by a
// newline. ReadDocument reads it back.
func WriteCompareJSON(w io.Writer, runs []*Report) error {
	if runs == nil {
		runs = []*Report{} // "runs": [], not null
	}
	return EncodeJSON(w, comparison{Runs: runs}, "JSON comparison")
}

// A figure with no answer behind it is null in the JSON, never 0: a CI job
// that reads `p99_ms < 100` must not pass on a service that answered
// nothing. In Go the figure stays 0 (an answered request takes at least
// 1µs, so 0 can mean nothing else), and null reads back as 0.

// MarshalJSON writes s with null latencies when none of its requests was
// answered.
func (s Stats) MarshalJSON() ([]byte, error) {
	type plain Stats // without this method
	if s.HasLatencies() {
		return json.Marshal(plain(s))
	}
	return json.Marshal(struct {
		plain
		MinMs  *float64 `json:"min_ms"`
		P50Ms  *float64 `json:"p50_ms"`
		P90Ms  *float64 `json:"p90_ms"`
		P99Ms  *float64 `json:"p99_ms"`
		MaxMs  *float64 `json:"max_ms"`
		MeanMs *float64 `json:"mean_ms"`
	}{plain: plain(s)})
}

// MarshalJSON writes v with null figures where none was measured: the
// idle p99 without a baseline, and the p99 under load and its excess when
// no probe was answered.
func (v Verdict) MarshalJSON() ([]byte, error) {
	type plain Verdict // without this method
	out := struct {
		plain
		MainP99BaselineMs *float64 `json:"main_p99_baseline_ms"`
		MainP99LoadedMs   *float64 `json:"main_p99_loaded_ms"`
		ExcessMs          *float64 `json:"excess_ms"`
	}{plain: plain(v)}
	if v.MainP99BaselineMs != 0 {
		out.MainP99BaselineMs = &v.MainP99BaselineMs
	}
	if v.MainP99LoadedMs != 0 {
		out.MainP99LoadedMs = &v.MainP99LoadedMs
	}
	if out.MainP99LoadedMs != nil {
		out.ExcessMs = &v.ExcessMs // without a baseline, over zero (no_baseline)
	}
	return json.Marshal(out)
}
