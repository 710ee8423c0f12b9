package report

import (
	"bufio"
	"errors"
	"io"
)

// ErrNotReport marks input that is not a blockprobe JSON report.
var ErrNotReport = errors.New("not a blockprobe report")

// ErrTooLarge marks input larger than blockprobe reads: see MaxDocumentBytes
// and MaxResultsBytes.
var ErrTooLarge = errors.New("input too large")

// What report and diff read is capped, so that a wrong or hostile input (a
// pipe from /dev/zero, a file that never ends) costs bounded memory and
// ends with an error instead of the process.
const (
	// MaxDocumentBytes caps a JSON report or comparison. A run keeps at
	// most 1,000,000 request records (--max-records), about 230 MB of JSON.
	MaxDocumentBytes = 256 << 20
	// MaxResultsBytes caps a results stream. It is read line by line, but
	// the figures are computed from every record, all held in memory.
	MaxResultsBytes = 512 << 20
	// MaxResultsLineBytes caps one line of a results stream; a longer line
	// is corrupt and skipped.
	MaxResultsLineBytes = 1 << 20
)

// Counts are capped too, where decoding multiplies what the text takes: a
// request written by blockprobe takes about 200 bytes, 160 in memory, but
// a hostile "{}" three.
const (
	maxDocumentRequests   = 1_500_000  // about MaxDocumentBytes of requests as blockprobe writes them
	maxResultsRequests    = 3_000_000  // about MaxResultsBytes of them
	maxDocumentLagSamples = 10_000_000 // a day of heartbeats every 10ms
	maxDocumentHistograms = 4_000      // a comparison of a thousand runs
	maxMemberBytes        = 4 << 20    // any other member of a report
)

// limits are the caps a read applies; tests lower them.
type limits struct {
	document, results int64 // bytes of a JSON document, of a results stream
	line              int   // bytes of a line of a results stream
	documentRequests  int
	resultsRequests   int
	lagSamples        int // heartbeats of a document
	histograms        int // of a document, each decoded once to be checked
}

var defaultLimits = limits{
	document: MaxDocumentBytes, results: MaxResultsBytes, line: MaxResultsLineBytes,
	documentRequests: maxDocumentRequests, resultsRequests: maxResultsRequests, lagSamples: maxDocumentLagSamples,
	histograms: maxDocumentHistograms,
}

// Document is a saved file read back: a JSON report, a comparison, or a
// results stream.
type Document struct {
	Runs []*Report
	// Comparison is set for a {"runs": [...]} document, so that it can be
	// written again as one even when it holds a single run.
	Comparison bool
	// Warnings say what was wrong with the input without stopping it from
	// being read: lines skipped, a truncated stream, values out of range.
	Warnings []string
}

// ReadDocument reads one report written by WriteJSON, the {"runs": [...]}
// document of WriteCompareJSON, or a results stream (see results.go).
// Input that is none of these, or a document without runs, is an error
// wrapping ErrNotReport; input beyond MaxDocumentBytes or MaxResultsBytes
// is an error wrapping ErrTooLarge. Error messages hold no control
// character.
func ReadDocument(r io.Reader) (*Document, error) {
	doc, err := readDocument(r, defaultLimits)
	if err != nil {
		return nil, printableError{err}
	}
	for i, w := range doc.Warnings {
		doc.Warnings[i] = Printable(w)
	}
	return doc, nil
}

func readDocument(r io.Reader, lim limits) (*Document, error) {
	br := bufio.NewReaderSize(r, lim.line)
	if isResults(br) {
		rep, warns, err := readResults(br, lim)
		if err != nil {
			return nil, err
		}
		return checkDocument(&Document{Runs: []*Report{rep}, Warnings: warns})
	}
	runs, comparison, warns, err := decodeJSON(&capped{r: br, n: lim.document, what: "a JSON report"}, lim)
	if err != nil {
		return nil, err
	}
	return checkDocument(&Document{Runs: runs, Comparison: comparison, Warnings: warns})
}
