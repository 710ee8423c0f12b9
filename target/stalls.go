package target

import (
	"math"
	"os"
	"runtime"
	"sort"
	"strconv"
	"time"
)

// LoopFormat is the format of GET /debug/loop, shared with the loop agents
// for real Python and Node servers (agents/README.md), so that blockprobe
// reads the embedded target's loop as it reads theirs.
const LoopFormat = "blockprobe-loop/1"

// StallThreshold is how long a callback must hold the loop to count as a
// stall: the loop agents' default, so that "3 stalls over 20ms" means the
// same on every target.
const StallThreshold = 20 * time.Millisecond

// maxStalls bounds the stalls kept, as the agents' ring does.
const maxStalls = 256

// Stall is a callback that held the loop longer than StallThreshold.
// StartMs is the wall clock in ms since the Unix epoch, as the agents give
// it. The embedded target knows its callbacks, so Handler is the callback's
// name, and it has no stack frames to give (the agents' "frames").
type Stall struct {
	StartMs    float64 `json:"start_ms"`
	DurationMs float64 `json:"duration_ms"`
	Ongoing    bool    `json:"ongoing"`
	Handler    string  `json:"handler"`
	Request    string  `json:"request"`
}

// LagHistogram counts heartbeats by lag in fixed buckets, as the agents
// do: Counts[i] those in (BoundsMs[i-1], BoundsMs[i]], one more count past
// the last bound. The difference of two reads is the window between them.
type LagHistogram struct {
	BoundsMs []float64 `json:"bounds_ms"`
	Counts   []uint64  `json:"counts"`
}

// lagBoundsMs are the agents' bucket bounds: ten per decade from 0.1 ms to
// 100 s, to three significant digits.
var lagBoundsMs = func() []float64 {
	out := make([]float64, 61)
	for i := range out {
		v := 0.1 * math.Pow(10, float64(i)/10)
		out[i], _ = strconv.ParseFloat(strconv.FormatFloat(v, 'g', 3, 64), 64)
	}
	return out
}()

// lagBucket is the bucket of a lag of ms.
func lagBucket(ms float64) int { return sort.SearchFloat64s(lagBoundsMs, ms) }

// LoopDoc is the answer of GET /debug/loop in format LoopFormat: the
// loop's figures (LoopStats, whose members keep their names) with what the
// agents add: who answers, its clock, the lag histogram and the stalls.
type LoopDoc struct {
	Format    string  `json:"format"`
	Source    string  `json:"source"`
	Runtime   string  `json:"runtime"`
	Pid       int     `json:"pid"`
	NowMs     float64 `json:"now_ms"`
	StartedMs float64 `json:"started_ms"`
	LoopStats
	ThresholdMs  float64      `json:"threshold_ms"`
	LagHistogram LagHistogram `json:"lag_histogram"`
	StallsTotal  int          `json:"stalls_total"`
	Stalls       []Stall      `json:"stalls"`
}

// SourceEmbedded is the source the embedded target names itself by.
const SourceEmbedded = "embedded"

// stallRing keeps the last maxStalls stalls and counts them all.
type stallRing struct {
	stalls []Stall
	total  int
}

func (r *stallRing) add(s Stall) {
	r.total++
	if len(r.stalls) == maxStalls {
		copy(r.stalls, r.stalls[1:])
		r.stalls = r.stalls[:maxStalls-1]
	}
	r.stalls = append(r.stalls, s)
}

func epochMs(t time.Time) float64 { return float64(t.UnixNano()) / 1e6 }

// doc reads the loop's document; st are its figures read with it.
func (m *monitor) doc(st LoopStats) LoopDoc {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := time.Now()
	d := LoopDoc{
		Format: LoopFormat, Source: SourceEmbedded, Runtime: "blockprobe embedded target, " + runtime.Version(),
		Pid: os.Getpid(), NowMs: epochMs(now), StartedMs: epochMs(m.since), LoopStats: st,
		ThresholdMs: ms(StallThreshold), StallsTotal: m.stalls.total,
		LagHistogram: LagHistogram{BoundsMs: lagBoundsMs, Counts: append([]uint64(nil), m.lagCounts...)},
		Stalls:       append(make([]Stall, 0, len(m.stalls.stalls)+1), m.stalls.stalls...),
	}
	if running := now.Sub(maxTime(m.runningSince, m.since)); m.running != "" && running > StallThreshold {
		d.StallsTotal++
		d.Stalls = append(d.Stalls, Stall{StartMs: epochMs(now.Add(-running)), DurationMs: ms(running),
			Ongoing: true, Handler: m.running})
	}
	return d
}
