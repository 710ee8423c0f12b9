package report

import (
	"bufio"
	"bytes"
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

// nextFilled is next, passing over blank lines.
func (lr *lineReader) nextFilled() (line []byte, long bool, err error) {
	for {
		line, long, err = lr.next()
		if err != nil || long || len(bytes.TrimSpace(line)) > 0 {
			return line, long, err
		}
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
