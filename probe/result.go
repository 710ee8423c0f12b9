package probe

import (
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Result is everything one run measured.
type Result struct {
	Options Options
	// Started is the wall-clock time the run began; record offsets count from it.
	Started time.Time
	// Elapsed is how long the run took, baseline to the last answer.
	Elapsed time.Duration
	// LoadStart and LoadEnd bound the load window, as offsets from Started.
	LoadStart, LoadEnd time.Duration
	// Records holds every request of the run, in the order they finished.
	Records []Record
	// Partial is set when the run was interrupted before its end.
	Partial bool

	MainBaseline          Stats
	MainLoaded            Stats
	MainLoadedUncorrected Stats
	ComplexLoaded         Stats
	// GeneratorLagP99 is the p99 of how late probes were sent against their
	// schedule: large values mean the generator, not the target, fell behind.
	GeneratorLagP99 time.Duration
	Verdict         Verdict
}

// Summarize fills the aggregates of r from its records.
func (r *Result) Summarize() {
	lat := Record.Latency
	r.MainBaseline = Summarize(r.Records, Selector(Main, Baseline), lat)
	r.MainLoaded = Summarize(r.Records, Selector(Main, Loaded), lat)
	r.MainLoadedUncorrected = Summarize(r.Records, Selector(Main, Loaded), Record.Uncorrected)
	r.ComplexLoaded = Summarize(r.Records, Selector(Complex, Loaded), lat)
	r.GeneratorLagP99 = sendLagP99(r.Records)
	r.Verdict = Judge(r.MainBaseline, r.MainLoaded, r.stalled(), r.Options.StarveThreshold)
}

// sendLagP99 is the p99 of the generator's lateness over every probe, answered
// or not.
func sendLagP99(records []Record) time.Duration {
	h := hdrhistogram.New(histMinUS, histMaxUS, histSigFi)
	for _, rec := range records {
		if rec.Endpoint == Main && rec.Phase == Loaded {
			_ = h.RecordValue(clampUS(rec.SendLag()))
		}
	}
	if h.TotalCount() == 0 {
		return 0
	}
	return time.Duration(h.ValueAtQuantile(99)) * time.Microsecond
}

// stalled counts the probes under load that got no answer although they
// waited longer than the idle p99 plus the threshold: whatever ended their
// wait (a timeout, an interrupt), they were starved.
func (r *Result) stalled() int {
	limit := r.MainBaseline.P99 + r.Options.StarveThreshold
	n := 0
	for _, rec := range r.Records {
		if rec.Endpoint == Main && rec.Phase == Loaded && !rec.Answered() && rec.Latency() > limit {
			n++
		}
	}
	return n
}
