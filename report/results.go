package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/blockprobe/blockprobe/probe"
	"github.com/blockprobe/blockprobe/target"
)

// A results stream (--results FILE.ndjson) keeps every request of a run as
// it completes, one JSON object a line, so that nothing measured is lost if
// the process dies: a header line, one RequestJSON line per request, and a
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
	Started    time.Time         `json:"started"`
	Partial    bool              `json:"partial"`
	ElapsedMs  float64           `json:"elapsed_ms"`
	LoadWindow Window            `json:"load_window"`
	Loop       *target.LoopStats `json:"loop,omitempty"`
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
func (rw *ResultsWriter) Finish(res *probe.Result, loop *target.LoopStats) error {
	rw.line(resultsTrailer{
		End: true, Started: res.Started.Round(0), Partial: res.Partial, ElapsedMs: millis(res.Elapsed),
		LoadWindow: Window{StartMs: millis(res.LoadStart), EndMs: millis(res.LoadEnd)}, Loop: loop,
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

// IsResults says whether data starts like a results stream.
func IsResults(data []byte) bool {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	var h struct {
		Version *int `json:"blockprobe_results"`
	}
	return json.Unmarshal(first, &h) == nil && h.Version != nil
}

// ReadResults rebuilds a report from a results stream. A stream without its
// trailer comes from a run that died: the report covers what was recorded,
// is marked partial and says so. A torn last line is skipped.
func ReadResults(r io.Reader) (*Report, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	if !sc.Scan() {
		return nil, fmt.Errorf("%w: empty results stream", ErrNotReport)
	}
	var h resultsHeader
	if err := json.Unmarshal(sc.Bytes(), &h); err != nil || h.Version != resultsVersion {
		return nil, fmt.Errorf("%w: the first line is not a blockprobe results header", ErrNotReport)
	}
	res := &probe.Result{Started: h.Started}
	res.Options.StarveThreshold = fromMillis(h.Config.StarveThresholdMs)
	var trailer *resultsTrailer
	for n := 2; sc.Scan(); n++ {
		line := sc.Bytes()
		if bytes.Contains(line, []byte(`"end":true`)) {
			trailer = &resultsTrailer{}
			if err := json.Unmarshal(line, trailer); err != nil {
				return nil, fmt.Errorf("%w: line %d: %v", ErrNotReport, n, err)
			}
			break
		}
		var q RequestJSON
		if err := json.Unmarshal(line, &q); err != nil {
			continue // a line torn by a dying process
		}
		res.Records = append(res.Records, q.record())
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read results: %w", err)
	}
	meta := Meta{Label: h.Label, Mode: h.Mode, Target: h.Target, Command: h.Command, Config: h.Config}
	var loop *target.LoopStats
	if trailer != nil {
		res.Started, res.Partial, res.Elapsed = trailer.Started, trailer.Partial, fromMillis(trailer.ElapsedMs)
		res.LoadStart, res.LoadEnd = fromMillis(trailer.LoadWindow.StartMs), fromMillis(trailer.LoadWindow.EndMs)
		loop = trailer.Loop
	} else {
		res.Partial = true
		for _, rec := range res.Records {
			res.Elapsed = max(res.Elapsed, rec.End)
		}
		meta.Notes = append(meta.Notes, "the results stream has no trailer: the run died; this report covers what it recorded")
	}
	res.Summarize()
	return New(meta, res, loop), nil
}
