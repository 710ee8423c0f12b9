package report

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// A report read from a file is checked before it is rendered: its strings
// could carry escape sequences for the reader's terminal, and its numbers
// anything at all. A string never reaches an output as it is; a number no
// run could measure is warned of, and one that no output can show
// sensibly (a count below zero, a time no duration holds) is refused.

// ErrBadValue marks a report holding a value that cannot be rendered.
var ErrBadValue = errors.New("cannot be rendered")

// reportVersion is the version of the report document WriteJSON writes
// ("blockprobe_report"). Bump it when a change would make an older
// blockprobe misread a newer report.
const reportVersion = 1

// maxMs is the largest time a report may hold: the longest time.Duration.
const maxMs = float64(math.MaxInt64) / 1e6

// checkDocument checks the runs of doc, and adds what it warns of.
func checkDocument(doc *Document) (*Document, error) {
	for i, r := range doc.Runs {
		warns, err := checkReport(r)
		prefix := ""
		if len(doc.Runs) > 1 {
			prefix = fmt.Sprintf("run %d: ", i+1)
		}
		if err != nil {
			return nil, fmt.Errorf("%s%w", prefix, err)
		}
		for _, w := range warns {
			doc.Warnings = append(doc.Warnings, prefix+w)
		}
	}
	return doc, nil
}

// checkReport makes r's strings printable and checks its numbers.
func checkReport(r *Report) ([]string, error) {
	var warns []string
	if r.Version > reportVersion {
		warns = append(warns, fmt.Sprintf("a report of version %d, newer than this blockprobe reads (%d): what the newer version added is not shown",
			r.Version, reportVersion))
	}
	c := &checker{}
	c.walk(reflect.ValueOf(r).Elem(), "")
	if c.bad != "" {
		return nil, fmt.Errorf("%w: %s", ErrBadValue, c.bad)
	}
	if c.controls > 0 {
		warns = append(warns, fmt.Sprintf("%d strings held control characters (such as terminal escape sequences): they are shown escaped, as \\x1b",
			c.controls))
	}
	warns = append(warns, c.negatives()...)
	warns = append(warns, outOfRange(r)...)
	// The summary is the verdict's numbers in words: say it from them.
	r.Verdict.Summary = VerdictLine(r.Verdict)
	return warns, nil
}

// signedFigures, by their member's name, may be below zero: a p99 under load
// below the idle one, an agent's clock behind blockprobe's.
var signedFigures = map[string]bool{"excess_ms": true, "clock_offset_ms": true}

// checker walks a report: it makes each string printable and notes the
// numbers out of range, by the JSON path of their member.
type checker struct {
	controls  int    // strings that held control characters
	bad       string // the first value that cannot be rendered
	negative  map[string]int
	firstNeg  map[string]string
	negOrder  []string
	negFigure map[string]float64
}

func (c *checker) walk(v reflect.Value, path string) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			c.walk(v.Elem(), path)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			if !t.Field(i).IsExported() {
				continue
			}
			c.walk(v.Field(i), joinPath(path, jsonName(t.Field(i))))
		}
	case reflect.Slice:
		for i := range v.Len() {
			c.walk(v.Index(i), path+"["+strconv.Itoa(i)+"]")
		}
	case reflect.Map:
		c.walkMap(v, path)
	case reflect.String:
		if s := v.String(); Printable(s) != s {
			c.controls++
			v.SetString(Printable(s))
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		if n := v.Int(); n < 0 && c.bad == "" {
			c.bad = fmt.Sprintf("%s is %d, below zero where only counts and codes stand", path, n)
		}
	case reflect.Float64:
		c.number(path, v.Float())
	}
}

// walkMap checks a map's values and makes its keys printable.
func (c *checker) walkMap(v reflect.Value, path string) {
	for _, k := range v.MapKeys() {
		val := reflect.New(v.Type().Elem()).Elem()
		val.Set(v.MapIndex(k))
		c.walk(val, path+"."+Printable(k.String()))
		key := k
		if s := k.String(); Printable(s) != s {
			c.controls++
			key = reflect.ValueOf(Printable(s)).Convert(k.Type())
			v.SetMapIndex(k, reflect.Value{})
		}
		v.SetMapIndex(key, val)
	}
}

// unmeasurable says why f, the value at path, is beyond any time a run
// can measure, or "" when it is not.
func unmeasurable(path string, f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > maxMs {
		return fmt.Sprintf("%s is %g, beyond any time a run can measure", path, f)
	}
	return ""
}

func (c *checker) number(path string, f float64) {
	if c.bad != "" {
		return
	}
	if c.bad = unmeasurable(path, f); c.bad != "" {
		return
	}
	if f >= 0 || signedFigures[path[strings.LastIndexByte(path, '.')+1:]] {
		return
	}
	// Requests and heartbeats are many: count them by member.
	key := genericPath(path)
	if c.negative == nil {
		c.negative, c.firstNeg, c.negFigure = map[string]int{}, map[string]string{}, map[string]float64{}
	}
	if c.negative[key] == 0 {
		c.negOrder, c.firstNeg[key], c.negFigure[key] = append(c.negOrder, key), path, f
	}
	c.negative[key]++
}

// negatives words the values below zero, one warning per member.
func (c *checker) negatives() []string {
	var out []string
	for _, key := range c.negOrder {
		first := c.firstNeg[key]
		if key == first {
			out = append(out, fmt.Sprintf("%s is %g, below zero", first, c.negFigure[key]))
			continue
		}
		out = append(out, fmt.Sprintf("%s: %d below zero (the first: %s is %g)", key, c.negative[key], first, c.negFigure[key]))
	}
	return out
}

// outOfRange lists what no run measures: a busy fraction above one,
// percentiles out of order, counts that do not add up.
func outOfRange(r *Report) []string {
	var out []string
	if l := r.Loop; l != nil && l.BusyFraction > 1 {
		out = append(out, fmt.Sprintf("loop.busy_fraction is %g, not a fraction", l.BusyFraction))
	}
	for _, row := range r.Rows() {
		s, name := row.Stats, "endpoints."+row.Endpoint+"."+row.Phase
		if s.OK+s.Errors != s.Count {
			out = append(out, fmt.Sprintf("%s: ok %d and errors %d do not add up to its count %d", name, s.OK, s.Errors, s.Count))
		}
		if s.Count > 0 && s.MaxMs != 0 && !(s.MinMs <= s.P50Ms && s.P50Ms <= s.P90Ms && s.P90Ms <= s.P99Ms && s.P99Ms <= s.MaxMs) {
			out = append(out, fmt.Sprintf("%s: its percentiles are out of order (min %g, p50 %g, p90 %g, p99 %g, max %g ms)",
				name, s.MinMs, s.P50Ms, s.P90Ms, s.P99Ms, s.MaxMs))
		}
	}
	if w := r.LoadWindow; w.EndMs < w.StartMs {
		out = append(out, fmt.Sprintf("load_window ends (%g ms) before it starts (%g ms)", w.EndMs, w.StartMs))
	}
	return out
}

// jsonName is the name of a struct field in the JSON report; an embedded
// struct's fields stand in its parent's place.
func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" && !f.Anonymous {
		name = f.Name
	}
	return name
}

func joinPath(path, name string) string {
	if path == "" || name == "" {
		return path + name
	}
	return path + "." + name
}

// genericPath drops the indexes of a path: requests[3].latency_ms becomes
// requests[].latency_ms.
func genericPath(path string) string {
	var b strings.Builder
	skip := false
	for _, r := range path {
		switch {
		case r == '[':
			skip = true
			b.WriteRune(r)
		case r == ']':
			skip = false
			b.WriteRune(r)
		case !skip:
			b.WriteRune(r)
		}
	}
	return b.String()
}
