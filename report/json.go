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
// written by `blockprobe compare` (DESIGN §5): {"runs": [...]}.
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
