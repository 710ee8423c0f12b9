package report

import (
	"fmt"
	"io"
	"time"
)

// What the external tests of the package read of its insides.

var (
	CheckReport       = checkReport
	ReportVersion     = reportVersion
	DecodeHistogram   = decodeHistogram
	EncodeHistogram   = encodeHistogram
	MaxHistogramBytes = maxHistogramBytes
	DiffFigures       = len(diffFigures)
)

// ReadDocumentWithin is ReadDocument reading at most histograms histograms.
func ReadDocumentWithin(r io.Reader, histograms int) (*Document, error) {
	lim := defaultLimits
	lim.histograms = histograms
	return readDocument(r, lim)
}

// DecodeAny is ReadDocument for its runs alone.
func DecodeAny(r io.Reader) ([]*Report, error) {
	doc, err := ReadDocument(r)
	if err != nil {
		return nil, err
	}
	return doc.Runs, nil
}

// Decode reads a report written by WriteJSON, so that a saved run can be
// rendered again. Input that is not such a report, including the
// {"runs": [...]} document of compare, is an error wrapping ErrNotReport.
func Decode(r io.Reader) (*Report, error) {
	runs, comparison, _, err := decodeJSON(&capped{r: r, n: MaxDocumentBytes, what: "a JSON report"}, defaultLimits)
	switch {
	case comparison:
		return nil, fmt.Errorf(`%w: it holds several runs ("runs"), as written by compare`, ErrNotReport)
	case err != nil:
		return nil, err
	}
	return runs[0], nil
}

// FormatDuration is FormatMs for a time.Duration.
func FormatDuration(d time.Duration) string { return FormatMs(millis(d)) }
