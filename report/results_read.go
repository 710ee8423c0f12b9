package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/blockprobe/blockprobe/probe"
)

// resultsPrefix starts every results stream: its header is marshalled from
// resultsHeader, whose version comes first.
var resultsPrefix = []byte(`{"blockprobe_results":`)

// isResults says whether br starts like a results stream.
func isResults(br *bufio.Reader) bool {
	head, _ := br.Peek(len(resultsPrefix))
	return bytes.Equal(head, resultsPrefix)
}

// resultsLine is any line after the header: a request, or the trailer.
type resultsLine struct {
	Request
	resultsTrailer
}

// lineReader reads a stream line by line; a line longer than its buffer
// is skipped.
type lineReader struct {
	br *bufio.Reader
	n  int // the number of the last line read, from 1
}

// next returns the next line without its newline; long says that it was
// too long and has been skipped. At the end of the stream it returns
// io.EOF.
func (lr *lineReader) next() (line []byte, long bool, err error) {
	lr.n++
	for {
		chunk, err := lr.br.ReadSlice('\n')
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			long = true
			continue
		case errors.Is(err, ErrTooLarge):
			return nil, false, err
		case err != nil && !errors.Is(err, io.EOF):
			return nil, false, fmt.Errorf("read results: %w", err)
		case long:
			return nil, true, nil
		case len(chunk) == 0:
			lr.n--
			return nil, false, io.EOF
		}
		return bytes.TrimSuffix(chunk, []byte("\n")), false, nil
	}
}

// recordChunks holds records in chunks, so that millions of them are not
// copied again and again as a slice grows.
type recordChunks [][]probe.Record

const recordChunkLen = 1 << 16

func (c *recordChunks) add(rec probe.Record) {
	if n := len(*c); n == 0 || len((*c)[n-1]) == recordChunkLen {
		*c = append(*c, make([]probe.Record, 0, recordChunkLen))
	}
	last := &(*c)[len(*c)-1]
	*last = append(*last, rec)
}

func (c recordChunks) len() int {
	if len(c) == 0 {
		return 0
	}
	return (len(c)-1)*recordChunkLen + len(c[len(c)-1])
}

// all moves the records into one slice, letting each chunk go once copied.
func (c recordChunks) all() []probe.Record {
	out := make([]probe.Record, 0, c.len())
	for i, chunk := range c {
		out = append(out, chunk...)
		c[i] = nil
	}
	return out
}

// skipped counts the corrupt lines of a stream.
type skipped struct{ n, first int }

func (s *skipped) add(line int) {
	if s.n == 0 {
		s.first = line
	}
	s.n++
}

// readResults rebuilds a report from a results stream (the format is
// described in results.go). Corrupt lines are skipped and counted; a
// stream without its trailer comes from a run that died or still runs: the
// report covers what was recorded and is marked partial. Both are said in
// the report's notes and in the warnings returned. A stream in which no
// line after the header could be read is an error.
func readResults(br *bufio.Reader, lim limits) (*Report, []string, error) {
	lr := &lineReader{br: bufio.NewReaderSize(&capped{r: br, n: lim.results, what: "a results stream"}, lim.line)}
	first, long, err := lr.next()
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, nil, err
	}
	var h resultsHeader
	if long || json.Unmarshal(first, &h) != nil || h.Version < resultsVersion {
		return nil, nil, fmt.Errorf("%w: the first line is not a blockprobe results header", ErrNotReport)
	}
	var notes []string
	if h.Version > resultsVersion {
		notes = append(notes, fmt.Sprintf("the results stream is of version %d, newer than this blockprobe reads (%d): what the newer version added is not shown",
			h.Version, resultsVersion))
	}
	res := &probe.Result{Started: h.Started}
	res.Options.StarveThreshold = fromMillis(h.Config.StarveThresholdMs)
	var trailer *resultsTrailer
	var bad skipped
	var recs recordChunks
	var l resultsLine
	for trailer == nil {
		line, long, err := lr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		if len(bytes.TrimSpace(line)) == 0 && !long {
			continue
		}
		l = resultsLine{}
		switch {
		case long || json.Unmarshal(line, &l) != nil:
			bad.add(lr.n)
		case l.End:
			trailer = &l.resultsTrailer
		default:
			rec, ok := l.recordOf()
			if !ok {
				bad.add(lr.n)
				continue
			}
			if recs.len() == lim.resultsRequests {
				return nil, nil, fmt.Errorf("%w: it holds more than %d requests, the most blockprobe reads of a results stream",
					ErrTooLarge, lim.resultsRequests)
			}
			recs.add(rec)
		}
	}
	res.Records = recs.all()
	if bad.n > 0 && len(res.Records) == 0 {
		return nil, nil, fmt.Errorf("%w: no request could be read from the results stream: all %d lines after the header are corrupt (the first is line %d)",
			ErrNotReport, bad.n, bad.first)
	}
	if bad.n > 0 {
		notes = append(notes, fmt.Sprintf("%d of the %d lines of the results stream were corrupt and skipped (the first is line %d): their requests are missing from this report",
			bad.n, lr.n, bad.first))
	}
	if trailer != nil {
		if rest, _ := lr.br.Peek(1); len(rest) > 0 {
			notes = append(notes, fmt.Sprintf("the results stream goes on after its trailer (line %d), as if two runs were written to one file: what follows is ignored", lr.n))
		}
	}
	meta := Meta{Label: h.Label, Mode: h.Mode, Target: h.Target, Command: h.Command, Config: h.Config}
	loop := rebuild(res, trailer)
	if trailer == nil {
		notes = append(notes, fmt.Sprintf("the results stream is truncated (no trailer): the run died or is still running; this report covers the %d requests it recorded",
			len(res.Records)))
	}
	meta.Notes = notes
	dropped := keepRecords(res)
	rep := New(meta, res, loop)
	if dropped > 0 {
		rep.RecordsDropped = dropped
		rep.Notes = append(rep.Notes, fmt.Sprintf("this report keeps the first %d request records of the stream; the figures count all %d",
			len(res.Records), len(res.Records)+dropped))
	}
	return rep, notes, nil
}

// rebuild completes res from the stream's trailer, or, without one, marks
// it partial and ends it with its last request; it returns the loop's
// figures, if any.
func rebuild(res *probe.Result, trailer *resultsTrailer) *Loop {
	if trailer == nil {
		res.Partial = true
		for _, rec := range res.Records {
			res.Elapsed = max(res.Elapsed, rec.End)
		}
		res.Summarize()
		return nil
	}
	res.Started, res.Partial, res.Elapsed = trailer.Started, trailer.Partial, fromMillis(trailer.ElapsedMs)
	res.LoadStart, res.LoadEnd = fromMillis(trailer.LoadWindow.StartMs), fromMillis(trailer.LoadWindow.EndMs)
	res.Summarize()
	return trailer.Loop
}

// keepRecords leaves in res the records a run would have kept
// (probe.DefaultMaxRecords), once its figures are computed from all, and
// returns how many it left out.
func keepRecords(res *probe.Result) int {
	n := len(res.Records) - probe.DefaultMaxRecords
	if n <= 0 {
		return 0
	}
	res.Records = res.Records[:probe.DefaultMaxRecords]
	return n
}

// Endpoints and phases a request line may name.
var (
	lineEndpoints = map[string]probe.Endpoint{EndpointMain: probe.Main, EndpointComplex: probe.Complex}
	linePhases    = map[string]probe.Phase{PhaseBaseline: probe.Baseline, PhaseLoaded: probe.Loaded}
)

// recordOf turns a request line into the probe's record; ok is false when
// it names no known endpoint and phase. The names are the package's own
// strings, not copies: a stream holds millions of lines.
func (q Request) recordOf() (rec probe.Record, ok bool) {
	rec = q.record()
	if rec.Endpoint, ok = lineEndpoints[q.Endpoint]; !ok {
		return rec, false
	}
	rec.Phase, ok = linePhases[q.Phase]
	return rec, ok
}
