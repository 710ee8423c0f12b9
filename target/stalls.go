package target

import (
	"os"
	"runtime"
	"time"

	"github.com/blockprobe/blockprobe/internal/loopdoc"
)

// LoopFormat is the format of GET /debug/loop, shared with the loop agents
// for real Python and Node servers (agents/README.md), so that blockprobe
// reads the embedded target's loop as it reads theirs.
const LoopFormat = loopdoc.Format

// StallThreshold is how long a callback must hold the loop to count as a
// stall: the loop agents' default, so that "3 stalls over 20ms" means the
// same on every target.
const StallThreshold = 20 * time.Millisecond

// maxStalls bounds the stalls kept, as the agents' ring does.
const maxStalls = 256

// Stall is a callback that held the loop longer than StallThreshold. The
// embedded target knows its callbacks, so Handler is the callback's name,
// and it has no stack frames to give.
type Stall = loopdoc.Stall

// LoopDoc is the answer of GET /debug/loop in format LoopFormat: what
// every source gives, with the loop's figures (LoopStats, whose members
// keep their names).
type LoopDoc struct {
	loopdoc.Doc
	LoopStats
}

// SourceEmbedded is the source the embedded target names itself by.
const SourceEmbedded = loopdoc.SourceEmbedded

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
	d := LoopDoc{LoopStats: st, Doc: loopdoc.Doc{
		Format: LoopFormat, Source: SourceEmbedded, Runtime: "blockprobe embedded target, " + runtime.Version(),
		Pid: os.Getpid(), NowMs: epochMs(now), StartedMs: epochMs(m.since),
		ThresholdMs: ms(StallThreshold), StallsTotal: m.stalls.total,
		LagHistogram: loopdoc.LagHistogram{BoundsMs: loopdoc.BoundsMs, Counts: append([]uint64(nil), m.lagCounts...)},
		Stalls:       append(make([]Stall, 0, len(m.stalls.stalls)+1), m.stalls.stalls...),
	}}
	if running := now.Sub(maxTime(m.runningSince, m.since)); m.running != "" && running > StallThreshold {
		d.StallsTotal++
		d.Stalls = append(d.Stalls, Stall{StartMs: epochMs(now.Add(-running)), DurationMs: ms(running),
			Ongoing: true, Handler: m.running})
	}
	return d
}
