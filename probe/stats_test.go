package probe

import (
	"math"
	"testing"
	"time"
)

func rec(ep Endpoint, ph Phase, lat time.Duration, status int, err ErrorClass) Record {
	return Record{Endpoint: ep, Phase: ph, Scheduled: time.Second, Fired: time.Second, Start: time.Second, End: time.Second + lat, Status: status, Err: err}
}

func within(got, want time.Duration, frac float64) bool {
	return math.Abs(float64(got-want)) <= frac*float64(want)
}

func TestSummarizeKnownLatencies(t *testing.T) {
	var rs []Record
	for i := 1; i <= 100; i++ { // 1ms .. 100ms
		rs = append(rs, rec(Main, Loaded, time.Duration(i)*time.Millisecond, 200, ErrNone))
	}
	rs = append(rs,
		rec(Main, Loaded, 0, 0, ErrTimeout),
		rec(Main, Loaded, 0, 0, ErrRefused),
		rec(Main, Loaded, 7*time.Second, 503, ErrStatus),
		rec(Main, Baseline, time.Hour, 200, ErrNone), // another phase: ignored
	)
	s := summarize(rs, selector(Main, Loaded), Record.Latency)
	if s.Count != 103 || s.OK != 100 || s.Errors != 3 {
		t.Errorf("count/ok/errors = %d/%d/%d, want 103/100/3", s.Count, s.OK, s.Errors)
	}
	for class, n := range map[string]int{"timeout": 1, "refused": 1, "status_503": 1} {
		if s.ErrorsByClass[class] != n {
			t.Errorf("errors by class %v: want %s=%d", s.ErrorsByClass, class, n)
		}
	}
	if s.Answered() != 101 {
		t.Errorf("Answered = %d, want 101 (100 ok + one 503)", s.Answered())
	}
	checks := []struct {
		name      string
		got, want time.Duration
	}{
		{"min", s.Min, time.Millisecond},
		{"p50", s.P50, 51 * time.Millisecond},
		{"p90", s.P90, 91 * time.Millisecond},
		{"p99", s.P99, 100 * time.Millisecond},
		{"max", s.Max, 7 * time.Second}, // the 503 was answered: it counts
		{"mean", s.Mean, (5050*time.Millisecond + 7*time.Second) / 101},
	}
	for _, c := range checks {
		if !within(c.got, c.want, 0.01) {
			t.Errorf("%s = %v, want %v (±1%%)", c.name, c.got, c.want)
		}
	}
}

func TestSummarizeNothing(t *testing.T) {
	s := summarize(nil, selector(Main, Loaded), Record.Latency)
	if s.Count != 0 || s.P99 != 0 || s.ErrorsByClass != nil {
		t.Errorf("empty summary %+v", s)
	}
}

func TestLatencyIsMeasuredFromTheSchedule(t *testing.T) {
	r := Record{Scheduled: 100 * time.Millisecond, Fired: 100 * time.Millisecond, Start: 400 * time.Millisecond, End: 450 * time.Millisecond}
	if r.Latency() != 350*time.Millisecond || r.Uncorrected() != 50*time.Millisecond || r.SendLag() != 0 {
		t.Errorf("latency %v, uncorrected %v, send lag %v", r.Latency(), r.Uncorrected(), r.SendLag())
	}
}

// summarize computes Stats for the records accepted by keep, reading each
// latency with lat (Record.Latency or Record.Uncorrected).
func summarize(records []Record, keep func(Record) bool, lat func(Record) time.Duration) Stats {
	acc := newAccumulator(lat)
	for _, r := range records {
		if keep(r) {
			acc.add(r)
		}
	}
	return acc.stats()
}

// selector picks the records of one endpoint and phase.
func selector(e Endpoint, p Phase) func(Record) bool {
	return func(r Record) bool { return r.Endpoint == e && r.Phase == p }
}
