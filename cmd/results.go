package cmd

import (
	"os"
	"time"

	"github.com/blockprobe/blockprobe/probe"
	"github.com/blockprobe/blockprobe/report"
)

// openResults starts the --results stream, or returns nil without one.
func (m *measurement) openResults(s subject) (*resultsStream, error) {
	if m.results == "" {
		return nil, nil
	}
	f, err := os.Create(m.results)
	if err != nil {
		return nil, usageErrorf("--results: %v", err)
	}
	w, err := report.NewResultsWriter(f, m.meta(s, nil), time.Now())
	if err != nil {
		f.Close()
		return nil, withCode(ExitOutput, err)
	}
	return &resultsStream{f: f, w: w}, nil
}

// resultsStream writes every record to the --results file as it completes.
type resultsStream struct {
	f *os.File
	w *report.ResultsWriter
}

func (r *resultsStream) PhaseStarted(probe.Phase, int, time.Duration) {}
func (r *resultsStream) RequestDone(rec probe.Record)                 { r.w.Record(rec) }
func (r *resultsStream) close()                                       { _ = r.f.Close() }

// observers tells each of several observers of a run.
type observers []probe.Observer

func (o observers) PhaseStarted(p probe.Phase, planned int, window time.Duration) {
	for _, x := range o {
		x.PhaseStarted(p, planned, window)
	}
}

func (o observers) RequestDone(r probe.Record) {
	for _, x := range o {
		x.RequestDone(r)
	}
}
