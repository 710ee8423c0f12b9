package report

import (
	"encoding/json"
	"fmt"
	"io"
)

// WriteJSON writes r as indented JSON followed by a newline.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// Error details quote URLs and bodies; keep them readable.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write JSON report: %w", err)
	}
	return nil
}

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
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // as WriteJSON
	if err := enc.Encode(comparison{Runs: runs}); err != nil {
		return fmt.Errorf("write JSON comparison: %w", err)
	}
	return nil
}
