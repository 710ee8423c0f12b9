package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// decodeJSON decodes a report or a comparison and says which it was. It
// reads a member at a time and a request at a time, so that memory holds
// the reports, not their text: a report may be hundreds of megabytes.
func decodeJSON(r io.Reader, lim limits) ([]*Report, bool, []string, error) {
	dec := json.NewDecoder(&squeezer{r: r})
	b := newBudget(lim)
	top, err := readObject(dec, true, b)
	if err == nil {
		err = atEnd(dec)
	}
	if err != nil {
		return nil, top.hasRuns, nil, err
	}
	warns := top.unknownWarning("")
	if !top.hasRuns {
		rep, err := top.report(b)
		if err != nil {
			return nil, false, nil, err
		}
		return []*Report{rep}, false, warns, nil
	}
	if len(top.runs) == 0 {
		return nil, true, nil, fmt.Errorf(`%w: its "runs" is empty`, ErrNotReport)
	}
	return top.runs, true, append(warns, top.runWarnings...), nil
}

// atEnd fails unless nothing but blanks follows the document.
func atEnd(dec *json.Decoder) error {
	_, err := dec.Token()
	switch {
	case errors.Is(err, io.EOF):
		return nil
	case err != nil:
		return jsonError(err)
	}
	return fmt.Errorf("%w: invalid JSON: more data after the report", ErrNotReport)
}

// jsonError describes err, met while decoding: the input is too large, or
// it is not valid JSON.
func jsonError(err error) error {
	switch {
	case err == nil || errors.Is(err, ErrTooLarge):
		return err
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: invalid JSON: unexpected end of JSON input", ErrNotReport)
	}
	return fmt.Errorf("%w: invalid JSON: %v", ErrNotReport, err)
}

// reportMembers are the names of the members of a report.
var reportMembers = jsonNames(reflect.TypeFor[Report]())

func jsonNames(t reflect.Type) map[string]bool {
	names := map[string]bool{}
	for f := range t.Fields() {
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
			names[name] = true
		}
	}
	return names
}

// reportObject is a report, or the {"runs": [...]} of a comparison, as it
// is read: its requests, heartbeats and runs decoded one by one, its other
// members kept as they are until the whole object has been read, and the
// members a report does not have only named.
type reportObject struct {
	fields      map[string]json.RawMessage
	requests    []Request
	hasRequests bool
	lagSamples  []LagSample
	runs        []*Report
	runWarnings []string // of the runs
	hasRuns     bool
	unknown     []string // the first few members no report has
	nUnknown    int
}

// unknownWarning warns of the members of o that no report has: o was
// written by a newer blockprobe, or by something else.
func (o reportObject) unknownWarning(prefix string) []string {
	if o.nUnknown == 0 {
		return nil
	}
	names := make([]string, len(o.unknown))
	for i, n := range o.unknown {
		names[i] = strconv.Quote(n)
	}
	if o.nUnknown > len(names) {
		names = append(names, fmt.Sprintf("and %d more", o.nUnknown-len(names)))
	}
	return []string{fmt.Sprintf("%sit has members this blockprobe does not know (%s): written by a newer version? They are not shown",
		prefix, strings.Join(names, ", "))}
}

// budget is how many more requests, heartbeats and histograms a document
// may hold.
type budget struct{ requests, lagSamples, histograms quota }

// quota is how many more of something may be read, of at most max.
type quota struct{ left, max int }

func newBudget(lim limits) *budget {
	return &budget{quota{lim.documentRequests, lim.documentRequests}, quota{lim.lagSamples, lim.lagSamples},
		quota{lim.histograms, lim.histograms}}
}

// readObject reads one JSON object; null is an object without members.
// withRuns says whether it may be a comparison.
func readObject(dec *json.Decoder, withRuns bool, b *budget) (reportObject, error) {
	o := reportObject{fields: map[string]json.RawMessage{}}
	tok, err := dec.Token()
	if err != nil {
		return o, jsonError(err)
	}
	if tok == nil {
		return o, nil
	}
	if tok != json.Delim('{') {
		return o, fmt.Errorf("%w: it is a JSON %s, not an object", ErrNotReport, tokenKind(tok))
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return o, jsonError(err)
		}
		key, _ := tok.(string)
		switch {
		case key == "runs" && withRuns:
			o.hasRuns = true
			o.runs, o.runWarnings, err = readRuns(dec, b)
		case key == "requests":
			o.hasRequests, err = readArray(dec, key, "requests", &b.requests, func() error {
				return decodeElement(dec, &o.requests)
			})
		case key == "lag_samples":
			_, err = readArray(dec, key, "heartbeats", &b.lagSamples, func() error {
				return decodeElement(dec, &o.lagSamples)
			})
		case reportMembers[key]:
			err = o.readMember(dec, key)
		default:
			if o.nUnknown++; len(o.unknown) < 5 {
				o.unknown = append(o.unknown, key)
			}
			err = jsonError(dec.Decode(new(ignored)))
		}
		if err != nil {
			return o, err
		}
	}
	_, err = dec.Token() // the closing brace
	return o, jsonError(err)
}

// readMember keeps a member as it is, to decode once the object is read.
func (o *reportObject) readMember(dec *json.Decoder, key string) error {
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return jsonError(err)
	}
	if len(raw) > maxMemberBytes {
		return fmt.Errorf("%w: its %q is larger than %s, more than any report holds", ErrNotReport, key, sizeText(maxMemberBytes))
	}
	o.fields[key] = raw
	return nil
}

// ignored decodes any JSON value into nothing.
type ignored struct{}

func (*ignored) UnmarshalJSON([]byte) error { return nil }

// decodeElement decodes the next value of dec onto the end of list.
func decodeElement[T any](dec *json.Decoder, list *[]T) error {
	var v T
	if err := dec.Decode(&v); err != nil {
		return err
	}
	*list = append(*list, v)
	return nil
}

// tokenKind names the kind of JSON value a token starts.
func tokenKind(tok json.Token) string {
	switch tok.(type) {
	case json.Delim:
		return "array"
	case string:
		return "string"
	case bool:
		return "boolean"
	default:
		return "number"
	}
}

// readArray reads a JSON array element by element with each, within q,
// and says whether there was one: null is none; anything else is an error
// saying that name is not an array of what.
func readArray(dec *json.Decoder, name, what string, q *quota, each func() error) (bool, error) {
	tok, err := dec.Token()
	switch {
	case err != nil:
		return false, jsonError(err)
	case tok == nil:
		return false, nil
	case tok != json.Delim('['):
		return false, fmt.Errorf("%w: its %q is not an array of %s", ErrNotReport, name, what)
	}
	for i := 1; dec.More(); i++ {
		if q.left--; q.left < 0 {
			return true, fmt.Errorf("%w: blockprobe reads at most %d %s of one document", ErrTooLarge, q.max, what)
		}
		if err := each(); err != nil {
			if errors.Is(err, ErrTooLarge) || errors.Is(err, ErrNotReport) {
				return true, err
			}
			return true, fmt.Errorf("%w: %s %d of %q: %v", ErrNotReport, strings.TrimSuffix(what, "s"), i, name, err)
		}
	}
	_, err = dec.Token() // the closing bracket
	return true, jsonError(err)
}

func readRuns(dec *json.Decoder, b *budget) ([]*Report, []string, error) {
	var runs []*Report
	var warns []string
	_, err := readArray(dec, "runs", "reports", &quota{math.MaxInt, math.MaxInt}, func() error {
		o, err := readObject(dec, false, b)
		var rep *Report
		if err == nil {
			rep, err = o.report(b)
		}
		if err != nil && !errors.Is(err, ErrTooLarge) {
			return fmt.Errorf("run %d: %w", len(runs)+1, err)
		}
		runs = append(runs, rep)
		warns = append(warns, o.unknownWarning(fmt.Sprintf("run %d: ", len(runs)))...)
		return err
	})
	return runs, warns, err
}

// requiredFields are the members every report has; their absence means the
// JSON came from somewhere else.
var requiredFields = []string{"mode", "target", "started", "config", "endpoints", "verdict", "requests"}

// report checks that o has the members of a report, and decodes it, its
// histograms within b.
func (o reportObject) report(b *budget) (*Report, error) {
	for _, name := range requiredFields {
		if raw, ok := o.fields[name]; name != "requests" && (!ok || string(raw) == "null") ||
			name == "requests" && !o.hasRequests {
			return nil, fmt.Errorf("%w: it has no %q field", ErrNotReport, name)
		}
	}
	data, err := json.Marshal(o.fields)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotReport, err)
	}
	var rep Report
	if err := json.Unmarshal(data, &rep); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotReport, err)
	}
	if rep.Mode == "" || rep.Target == "" {
		return nil, fmt.Errorf("%w: its mode or target is empty", ErrNotReport)
	}
	rep.Requests, rep.LagSamples = o.requests, o.lagSamples
	if rep.Requests == nil {
		rep.Requests = []Request{}
	}
	for _, row := range rep.allRows() {
		if row.Stats.Histogram == "" {
			continue
		}
		if b.histograms.left--; b.histograms.left < 0 {
			return nil, fmt.Errorf("%w: blockprobe reads at most %d histograms of one document", ErrTooLarge, b.histograms.max)
		}
	}
	if err := checkHistograms(&rep); err != nil {
		return nil, err
	}
	if rep.Status == "" {
		rep.settle() // a report written before runs had a status
	}
	return &rep, nil
}
