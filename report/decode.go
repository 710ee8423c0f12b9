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
	fields, data, err := readObject(r)
	if err != nil {
		return nil, err
	}
	if _, ok := fields["runs"]; ok {
		return nil, fmt.Errorf(`%w: it holds several runs ("runs"), as written by compare`, ErrNotReport)
	}
	return decodeReport(fields, data)
}

// DecodeAny reads one report written by WriteJSON, the {"runs": [...]}
// document of WriteCompareJSON, or a results stream (ReadResults), and
// returns its runs in order. Input that is neither, or a document without runs, is an error
// wrapping ErrNotReport.
func DecodeAny(r io.Reader) ([]*Report, error) {
	runs, _, err := DecodeDocument(r)
	return runs, err
}

// DecodeDocument is DecodeAny that also says whether the input was a
// comparison ({"runs": [...]}), so that it can be written again as one
// even when it holds a single run.
func DecodeDocument(r io.Reader) ([]*Report, bool, error) {
	all, err := io.ReadAll(r)
	if err != nil {
		return nil, false, fmt.Errorf("read report: %w", err)
	}
	if IsResults(all) {
		rep, err := ReadResults(bytes.NewReader(all))
		if err != nil {
			return nil, false, err
		}
		return []*Report{rep}, false, nil
	}
	fields, data, err := readObject(bytes.NewReader(all))
	if err != nil {
		return nil, false, err
	}
	raw, ok := fields["runs"]
	if !ok {
		rep, err := decodeReport(fields, data)
		if err != nil {
			return nil, false, err
		}
		return []*Report{rep}, false, nil
	}
	var runs []json.RawMessage
	if err := json.Unmarshal(raw, &runs); err != nil {
		return nil, true, fmt.Errorf(`%w: its "runs" is not an array of reports`, ErrNotReport)
	}
	if len(runs) == 0 {
		return nil, true, fmt.Errorf(`%w: its "runs" is empty`, ErrNotReport)
	}
	reps := make([]*Report, 0, len(runs))
	for i, data := range runs {
		fields, err := unmarshalObject(data)
		if err != nil {
			return nil, true, fmt.Errorf("run %d: %w", i+1, err)
		}
		rep, err := decodeReport(fields, data)
		if err != nil {
			return nil, true, fmt.Errorf("run %d: %w", i+1, err)
		}
		reps = append(reps, rep)
	}
	return reps, true, nil
}

// readObject reads all of r as one JSON object, returning its members and
// the raw input.
func readObject(r io.Reader) (map[string]json.RawMessage, []byte, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("read report: %w", err)
	}
	fields, err := unmarshalObject(data)
	return fields, data, err
}

func unmarshalObject(data []byte) (map[string]json.RawMessage, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return nil, fmt.Errorf("%w: it is a JSON %s, not an object", ErrNotReport, typeErr.Value)
		}
		return nil, fmt.Errorf("%w: invalid JSON: %v", ErrNotReport, err)
	}
	return fields, nil
}

// decodeReport checks that fields, the members of data, are those of a
// report, and decodes it.
func decodeReport(fields map[string]json.RawMessage, data []byte) (*Report, error) {
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
