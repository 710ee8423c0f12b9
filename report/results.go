package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/blockprobe/blockprobe/probe"
)

// A results stream (--results FILE.ndjson) keeps every request of a run as
// it completes, one JSON object a line, so that nothing measured is lost if
// the process dies: a header line, one Request line per request, and a
// trailer line when the run ends. ReadResults rebuilds a report from it.

// resultsVersion is the value of the header's "blockprobe_results" member.
const resultsVersion = 1

type resultsHeader struct {
	Version int       `json:"blockprobe_results"`
	Label   string    `json:"label,omitempty"`
	Mode    string    `json:"mode"`
	Target  string    `json:"target"`
	Command string    `json:"command,omitempty"`
	Started time.Time `json:"started"`
	Config  Config    `json:"config"`
}

type resultsTrailer struct {
	End bool `json:"end"`
	// Started is the run's own start, which record offsets count from; the
	// header's is when the stream was opened, just before.
	Started    time.Time `json:"started"`
	Partial    bool      `json:"partial"`
	ElapsedMs  float64   `json:"elapsed_ms"`
	LoadWindow Window    `json:"load_window"`
	StartLate  float64   `json:"start_late_ms,omitempty"`
	Loop       *Loop     `json:"loop,omitempty"`
}

// ResultsWriter streams request records to w, flushing each line so that
// what was written survives the process. It is safe for concurrent use.
type ResultsWriter struct {
	mu   sync.Mutex
	bw   *bufio.Writer
	err  error
	lost int // lines not written after err
}

// NewResultsWriter writes the stream's header for the run meta describes.
func NewResultsWriter(w io.Writer, meta Meta, started time.Time) (*ResultsWriter, error) {
	rw := &ResultsWriter{bw: bufio.NewWriter(w)}
	rw.line(resultsHeader{
		Version: resultsVersion, Label: meta.Label, Mode: meta.Mode, Target: meta.Target,
		Command: meta.Command, Started: started.Round(0), Config: meta.Config,
	})
	return rw, rw.err
}

// Record appends one request. After a write error it does nothing; Err
// reports the error.
func (rw *ResultsWriter) Record(rec probe.Record) {
	rw.line(newRequest(rec))
}

// Finish writes the trailer that marks the run as complete.
func (rw *ResultsWriter) Finish(res *probe.Result, loop *Loop) error {
	rw.line(resultsTrailer{
		End: true, Started: res.Started.Round(0), Partial: res.Partial, ElapsedMs: millis(res.Elapsed),
		LoadWindow: Window{StartMs: millis(res.LoadStart), EndMs: millis(res.LoadEnd)}, Loop: loop,
		StartLate: millis(res.StartLate),
	})
	return rw.Err()
}

// Err is the first write error, if any, with how many lines were lost.
func (rw *ResultsWriter) Err() error {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if rw.err == nil {
		return nil
	}
	return fmt.Errorf("%w; %d lines were not written, the stream is incomplete", rw.err, rw.lost)
}

func (rw *ResultsWriter) line(v any) {
	b, err := json.Marshal(v)
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if rw.err != nil {
		rw.lost++
		return
	}
	if err == nil {
		_, err = rw.bw.Write(append(b, '\n'))
	}
	if err == nil {
		err = rw.bw.Flush()
	}
	if err != nil {
		rw.err = fmt.Errorf("write results: %w", err)
		rw.lost++
	}
}
