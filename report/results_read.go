package report

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/blockprobe/blockprobe/probe"
)

// resultsLine is any line after the header: a request, or the trailer.
type resultsLine struct {
	Request
	resultsTrailer
}

// readResults rebuilds a report from a results stream (the format is
// described in results.go). Corrupt lines are skipped and counted; a
// stream without its trailer comes from a run that died or still runs: the
// report covers what was recorded and is marked partial. Both are said in
// the report's notes and in the warnings returned. A stream from which no
// request could be read is an error.
func readResults(br *bufio.Reader, lim limits) (*Report, []string, error) {
	rd := &resultsReading{lr: &lineReader{br: bufio.NewReaderSize(&capped{r: br, n: lim.results, what: "a results stream"}, lim.line)}}
	if err := rd.header(); err != nil {
		return nil, nil, err
	}
	if err := rd.body(lim.resultsRequests); err != nil {
		return nil, nil, err
	}
	return rd.report()
}

// resultsReading is a results stream being read: its lines, what they
// said, and what the reader is to be warned of.
type resultsReading struct {
	lr      *lineReader
	h       resultsHeader
	trailer *resultsTrailer
	recs    recordChunks
	bad     skipped
	notes   []string
}

// header reads the stream's first line, which says what it is.
func (rd *resultsReading) header() error {
	first, long, err := rd.lr.next()
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	if long || json.Unmarshal(first, &rd.h) != nil || rd.h.Version < resultsVersion {
		return fmt.Errorf("%w: the first line is not a blockprobe results header", ErrNotReport)
	}
	if len(rd.h.Config.Stages) > probe.MaxStages {
		return fmt.Errorf("%w: its header names %d stages, more than a run has (%d)", ErrTooLarge, len(rd.h.Config.Stages), probe.MaxStages)
	}
	if rd.h.Version > resultsVersion {
		rd.notes = append(rd.notes, fmt.Sprintf("the results stream is of version %d, newer than this blockprobe reads (%d): what the newer version added is not shown",
			rd.h.Version, resultsVersion))
	}
	return nil
}

// body reads the requests up to the trailer, or the end of the stream,
// keeping at most maxRequests.
func (rd *resultsReading) body(maxRequests int) error {
	var l resultsLine
	for rd.trailer == nil {
		line, long, err := rd.lr.nextFilled()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		l = resultsLine{}
		if long || json.Unmarshal(line, &l) != nil {
			rd.bad.add(rd.lr.n)
			continue
		}
		if err := l.checkTimes(rd.lr.n); err != nil {
			return err
		}
		if l.End {
			rd.trailer = &l.resultsTrailer
			continue
		}
		rec, ok := l.recordOf()
		switch {
		case !ok:
			rd.bad.add(rd.lr.n)
		case rd.recs.len() == maxRequests:
			return fmt.Errorf("%w: it holds more than %d requests, the most blockprobe reads of a results stream", ErrTooLarge, maxRequests)
		default:
			rd.recs.add(rec)
		}
	}
	return nil
}

// checkTimes refuses line n if it holds a time beyond any a run can
// measure, as checkReport refuses one in a report. The report rebuilt from
// the stream comes too late to tell: a time read from a line becomes a
// duration, and one beyond the longest wraps round. (The trailer's loop
// figures are kept as read, and checked with the report.)
func (l *resultsLine) checkTimes(n int) error {
	times := [...]struct {
		name string
		ms   float64
	}{
		{"scheduled_ms", l.ScheduledMs}, {"fired_ms", l.FiredMs}, {"start_ms", l.StartMs}, {"end_ms", l.EndMs},
		{"latency_ms", l.LatencyMs}, {"uncorrected_ms", l.UncorrectedMs},
		{"elapsed_ms", l.ElapsedMs}, {"load_window.start_ms", l.LoadWindow.StartMs},
		{"load_window.end_ms", l.LoadWindow.EndMs}, {"start_late_ms", l.StartLate},
	}
	for _, t := range times {
		if bad := unmeasurable(t.name, t.ms); bad != "" {
			return fmt.Errorf("%w: line %d: %s", ErrBadValue, n, bad)
		}
	}
	return nil
}

// report builds the report of what was read, with notes on what is
// missing from it.
func (rd *resultsReading) report() (*Report, []string, error) {
	h := rd.h
	res := &probe.Result{Started: h.Started, Records: rd.recs.all()}
	res.Options.StarveThreshold = fromMillis(h.Config.StarveThresholdMs)
	res.Options.LoadRate, res.Options.Stages = h.Config.LoadRate, probeStages(h.Config.Stages)
	res.Options.Concurrency, res.Options.Shard = h.Config.Concurrency, configShard(h.Config)
	bad, n := rd.bad, len(res.Records)
	if n == 0 {
		return nil, nil, fmt.Errorf("%w: no request could be read from the results stream: %s", ErrNotReport, rd.noRequest())
	}
	if bad.n > 0 {
		rd.notes = append(rd.notes, fmt.Sprintf("%d of the %d lines of the results stream were corrupt and skipped (the first is line %d): their requests are missing from this report",
			bad.n, rd.lr.n, bad.first))
	}
	if rd.trailer != nil {
		if rest, _ := rd.lr.br.Peek(1); len(rest) > 0 {
			rd.notes = append(rd.notes, fmt.Sprintf("the results stream goes on after its trailer (line %d), as if two runs were written to one file: what follows is ignored", rd.lr.n))
		}
	}
	loop := rebuild(res, rd.trailer)
	if rd.trailer == nil {
		rd.notes = append(rd.notes, fmt.Sprintf("the results stream is truncated (no trailer): the run died or is still running; this report covers the %d requests it recorded", n))
	}
	meta := Meta{Label: h.Label, Mode: h.Mode, Target: h.Target, Command: h.Command, Config: h.Config, Notes: rd.notes}
	dropped := keepRecords(res)
	rep := New(meta, res, loop)
	if dropped > 0 {
		rep.RecordsDropped = dropped
		rep.Notes = append(rep.Notes, fmt.Sprintf("this report keeps the first %d request records of the stream; the figures count all %d",
			len(res.Records), len(res.Records)+dropped))
	}
	return rep, rd.notes, nil
}

// noRequest says why no request was read from the stream, which is an
// error: a report of none would pass for a run in which nothing went wrong.
func (rd *resultsReading) noRequest() string {
	switch {
	case rd.bad.n > 0:
		return fmt.Sprintf("all %d lines after the header are corrupt (the first is line %d)", rd.bad.n, rd.bad.first)
	case rd.trailer != nil:
		return fmt.Sprintf("no request line comes before its trailer (line %d)", rd.lr.n)
	}
	return "it holds no line after its header"
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
	res.StartLate = fromMillis(trailer.StartLate)
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
