// Package loopdoc is the format blockprobe-loop/1: what GET /debug/loop
// answers, from the embedded target and from the loop agents for real
// Python and Node servers (agents/README.md is its reference). The target
// writes it, probe reads it, and the report keeps its stalls and frames.
package loopdoc

import (
	"math"
	"sort"
	"strconv"
)

// Format is the format's name and version, in every answer's "format".
const Format = "blockprobe-loop/1"

// SourceEmbedded is the source the embedded target names itself by; an
// agent names its runtime ("agent-python", "agent-node").
const SourceEmbedded = "embedded"

// Doc is what every answer carries: who answers and when by its clock, the
// stall threshold, the lag histogram since it started and the last stalls.
// A source adds its loop's own figures beside it.
type Doc struct {
	Format       string       `json:"format"`
	Source       string       `json:"source"`
	Runtime      string       `json:"runtime"`
	Pid          int          `json:"pid"`
	NowMs        float64      `json:"now_ms"`     // the source's wall clock, ms since the Unix epoch
	StartedMs    float64      `json:"started_ms"` // when it started watching, on the same clock
	ThresholdMs  float64      `json:"threshold_ms"`
	LagHistogram LagHistogram `json:"lag_histogram"`
	StallsTotal  int          `json:"stalls_total"` // stalls since it started, Stalls the last of them
	Stalls       []Stall      `json:"stalls"`
}

// LagHistogram counts heartbeats by lag in fixed buckets: Counts[i] those
// in (BoundsMs[i-1], BoundsMs[i]], one more count past the last bound. The
// difference of two reads is the window between them.
type LagHistogram struct {
	BoundsMs []float64 `json:"bounds_ms"`
	Counts   []uint64  `json:"counts"`
}

// Stall is a time the loop was held past the threshold: when, for how
// long, and what held it. StartMs is the source's wall clock in a Doc, and
// an offset from the start of the run once blockprobe placed it.
type Stall struct {
	StartMs    float64 `json:"start_ms"`
	DurationMs float64 `json:"duration_ms"`
	Ongoing    bool    `json:"ongoing,omitempty"` // still going on when last read
	Handler    string  `json:"handler"`           // "BlockingComplexHandler.get", "GET /complex"
	Request    string  `json:"request,omitempty"` // "GET /complex"
	// Frames are places in the server's own code, innermost first.
	Frames []Frame `json:"frames,omitempty"`
}

// Frame is a line of the server's own code that held the loop.
type Frame struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Function string `json:"function"`
	Code     string `json:"code"`
}

// BoundsMs are the lag buckets' bounds every source uses: ten per decade
// from 0.1 ms to 100 s, to three significant digits.
var BoundsMs = func() []float64 {
	out := make([]float64, 61)
	for i := range out {
		v := 0.1 * math.Pow(10, float64(i)/10)
		out[i], _ = strconv.ParseFloat(strconv.FormatFloat(v, 'g', 3, 64), 64)
	}
	return out
}()

// Bucket is the bucket of BoundsMs that a lag of ms falls in.
func Bucket(ms float64) int { return sort.SearchFloat64s(BoundsMs, ms) }
