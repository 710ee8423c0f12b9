package probe

import (
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Stats summarises the latencies of one endpoint in one phase.
// Percentiles are taken over the requests that were answered (any status);
// requests that got no answer are counted in Errors and ErrorsByClass.
type Stats struct {
	Count  int
	OK     int
	Errors int
	// ErrorsByClass counts failed requests by kind; non-2xx answers are
	// counted as "status_NNN".
	ErrorsByClass                 map[string]int
	Min, P50, P90, P99, Max, Mean time.Duration
	// Histogram holds the latencies of the answered requests in
	// microseconds, the source of every percentile above; nil when none was
	// answered. Histograms of runs merge exactly, where percentiles do not.
	Histogram *hdrhistogram.Histogram
}

// NewHistogram returns an empty latency histogram of the bounds every
// Stats uses.
func NewHistogram() *hdrhistogram.Histogram { return hdrhistogram.New(histMinUS, histMaxUS, histSigFi) }

// WithHistogram returns s with h as its histogram and the percentiles read
// from it (zero when h is empty or nil).
func (s Stats) WithHistogram(h *hdrhistogram.Histogram) Stats {
	s.Histogram, s.Min, s.P50, s.P90, s.P99, s.Max, s.Mean = nil, 0, 0, 0, 0, 0, 0
	if h == nil || h.TotalCount() == 0 {
		return s
	}
	us := func(v int64) time.Duration { return time.Duration(v) * time.Microsecond }
	s.Histogram = h
	s.Min = us(h.Min())
	s.P50 = us(h.ValueAtQuantile(50))
	s.P90 = us(h.ValueAtQuantile(90))
	s.P99 = us(h.ValueAtQuantile(99))
	s.Max = us(h.Max())
	s.Mean = time.Duration(h.Mean() * float64(time.Microsecond))
	return s
}

// Histogram bounds: microsecond resolution up to one hour, three significant
// digits (0.1% error), the usual choice for request latencies.
const (
	histMinUS = 1
	histMaxUS = int64(time.Hour / time.Microsecond)
	histSigFi = 3
)

// accumulator builds Stats one record at a time in constant memory, so a
// run of millions of requests need not keep them all to be summarised.
type accumulator struct {
	lat func(Record) time.Duration
	h   *hdrhistogram.Histogram
	s   Stats
}

func newAccumulator(lat func(Record) time.Duration) *accumulator {
	return &accumulator{lat: lat, h: NewHistogram()}
}

func (a *accumulator) add(r Record) {
	s := &a.s
	s.Count++
	if r.OK() {
		s.OK++
	} else {
		s.Errors++
		if s.ErrorsByClass == nil {
			s.ErrorsByClass = map[string]int{}
		}
		s.ErrorsByClass[errorKey(r)]++
	}
	if r.Answered() {
		_ = a.h.RecordValue(clampUS(a.lat(r)))
	}
}

func (a *accumulator) stats() Stats {
	s := a.s
	if s.ErrorsByClass != nil {
		s.ErrorsByClass = maps.Clone(s.ErrorsByClass)
	}
	if a.h.TotalCount() == 0 {
		return s
	}
	// No copy: a run reads its statistics once its records are all in, and
	// the baseline's once, before the first loaded record.
	return s.WithHistogram(a.h)
}

// Answered is the number of requests that got an answer and so count in the
// percentiles.
func (s Stats) Answered() int {
	return Answered(s.Count, s.ErrorsByClass)
}

// Answered is how many of count requests got an answer, given how many
// failed by class (an ErrorsByClass): every class but a status counts out.
func Answered(count int, errorsByClass map[string]int) int {
	for k, v := range errorsByClass {
		if !IsStatusKey(k) {
			count -= v
		}
	}
	return count
}

// statusKey starts the ErrorsByClass key of a non-2xx answer: "status_503".
const statusKey = "status_"

// IsStatusKey reports whether an ErrorsByClass key counts answers with an
// error status, which count in the percentiles, rather than failures.
func IsStatusKey(key string) bool { return strings.HasPrefix(key, statusKey) }

func errorKey(r Record) string {
	if r.Err == ErrStatus || (r.Err == ErrNone && r.Status != 0) {
		return statusKey + strconv.Itoa(r.Status)
	}
	return string(r.Err)
}

func clampUS(d time.Duration) int64 {
	v := int64(d / time.Microsecond)
	if v < histMinUS {
		return histMinUS
	}
	if v > histMaxUS {
		return histMaxUS
	}
	return v
}
