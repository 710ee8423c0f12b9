package report

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/blockprobe/blockprobe/probe"
)

// Each statistic carries the HDR histogram its percentiles were read from,
// in the standard compressed encoding that every HdrHistogram library
// reads (V2, zlib, base64: "HISTFA..."). It is the one source of the
// statistic's distribution: the HTML chart draws it, --repeat merges it, a
// saved report keeps it, whatever --max-records left out of the requests.

// maxHistogramBytes caps the encoding of one histogram. One of blockprobe's
// geometry (1µs to an hour, three significant digits) takes about 110 KB
// with every one of its buckets used, a few KB in practice.
const maxHistogramBytes = 256 << 10

// histogramGeometry is the widest histogram a report may carry: the one
// every statistic is recorded in. Decoding allocates every bucket a header
// declares, so a wider one is refused before it is decoded.
var histogramGeometry = probe.NewHistogram()

// encodeHistogram encodes h for a Stats; "" when it holds nothing.
func encodeHistogram(h *hdrhistogram.Histogram) string {
	if h == nil || h.TotalCount() == 0 {
		return ""
	}
	b, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil { // only for an unknown version: the statistic keeps its figures
		return ""
	}
	return string(b)
}

// errHistogramSize marks a histogram larger than blockprobe writes.
var errHistogramSize = fmt.Errorf("larger than the %s any run writes", sizeText(maxHistogramBytes))

// decodeHistogram decodes the encoding of a histogram, refusing one larger
// or wider than blockprobe writes; nil for "".
func decodeHistogram(enc string) (*hdrhistogram.Histogram, error) {
	switch {
	case enc == "":
		return nil, nil
	case len(enc) > maxHistogramBytes:
		return nil, errHistogramSize
	}
	if err := checkGeometry(enc); err != nil {
		return nil, err
	}
	return hdrhistogram.Decode([]byte(enc))
}

// checkGeometry reads the header of an encoded histogram and refuses a
// geometry wider than histogramGeometry.
func checkGeometry(enc string) error {
	raw, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return err
	}
	if len(raw) < 8 {
		return errors.New("too short")
	}
	z, err := zlib.NewReader(bytes.NewReader(raw[8:]))
	if err != nil {
		return err
	}
	defer z.Close()
	var header struct {
		Cookie, PayloadLength, NormalizingIndexOffset, SignificantFigures int32
		Lowest, Highest                                                   int64
	}
	if err := binary.Read(io.LimitReader(z, 32), binary.BigEndian, &header); err != nil {
		return fmt.Errorf("its header: %w", err)
	}
	g := histogramGeometry
	if header.Highest > g.HighestTrackableValue() || int64(header.SignificantFigures) > g.SignificantFigures() {
		return fmt.Errorf("values up to %d at %d significant digits, more than the %d at %d that blockprobe records",
			header.Highest, header.SignificantFigures, g.HighestTrackableValue(), g.SignificantFigures())
	}
	return nil
}

// Bucket is a latency and how many requests took it, to the precision of
// the histogram.
type Bucket struct {
	Ms    float64
	Count int64
}

// Distribution returns the latencies of s's answered requests, fastest
// first, from its histogram: each bucket's latency is the highest it
// holds, as a percentile reads it. It is nil when s has no histogram: a
// report written before they were kept, or nothing answered.
func (s Stats) Distribution() []Bucket {
	h, err := decodeHistogram(s.Histogram)
	if err != nil || h == nil { // checked when read
		return nil
	}
	var out []Bucket
	for _, bar := range h.Distribution() {
		if bar.Count > 0 {
			out = append(out, Bucket{Ms: float64(bar.To) / 1000, Count: bar.Count})
		}
	}
	return out
}

// checkHistograms decodes the histogram of every statistic of r, so that a
// report carrying a broken one is refused when it is read, not drawn.
func checkHistograms(r *Report) error {
	for _, row := range r.allRows() {
		_, err := decodeHistogram(row.Stats.Histogram)
		name := "endpoints." + row.Endpoint + "." + row.Phase + ".histogram"
		switch {
		case errors.Is(err, errHistogramSize):
			return fmt.Errorf("%w: its %s is %v", ErrTooLarge, name, err)
		case err != nil:
			return fmt.Errorf("%w: its %s is not an HDR histogram in the standard compressed encoding: %v", ErrNotReport, name, err)
		}
	}
	return nil
}

// mergeHistograms merges the histograms of several runs' statistics, which
// merge exactly where their percentiles do not; "" when one has none.
func mergeHistograms(ss []Stats) string {
	merged := probe.NewHistogram()
	for _, s := range ss {
		h, err := decodeHistogram(s.Histogram)
		if err != nil || h == nil {
			return ""
		}
		merged.Merge(h)
	}
	return encodeHistogram(merged)
}
