package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// ErrNotReport marks input that is not a blockprobe JSON report.
var ErrNotReport = errors.New("not a blockprobe report")

// requiredFields are the members every report has; their absence means the
// JSON came from somewhere else.
var requiredFields = []string{"mode", "target", "started", "config", "endpoints", "verdict", "requests"}

// Decode reads a report written by WriteJSON, so that a saved run can be
// rendered again. Input that is not such a report, including the
// {"runs": [...]} document of compare, is an error wrapping ErrNotReport.
func Decode(r io.Reader) (*Report, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return nil, fmt.Errorf("%w: it is a JSON %s, not an object", ErrNotReport, typeErr.Value)
		}
		return nil, fmt.Errorf("%w: invalid JSON: %v", ErrNotReport, err)
	}
	if _, ok := fields["runs"]; ok {
		return nil, fmt.Errorf(`%w: it holds several runs ("runs"), as written by compare`, ErrNotReport)
	}
	for _, name := range requiredFields {
		if raw, ok := fields[name]; !ok || bytes.Equal(raw, []byte("null")) {
			return nil, fmt.Errorf("%w: it has no %q field", ErrNotReport, name)
		}
	}
	var rep Report
	if err := json.Unmarshal(data, &rep); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotReport, err)
	}
	if rep.Mode == "" || rep.Target == "" {
		return nil, fmt.Errorf("%w: its mode or target is empty", ErrNotReport)
	}
	return &rep, nil
}
