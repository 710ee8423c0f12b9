package target

import (
	"sync"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/blockprobe/blockprobe/internal/loopdoc"
)

// HeartbeatInterval is how often the loop measures its own lag, as Node's
// monitorEventLoopDelay does with a timer: a heartbeat due every 10 ms that
// runs late shows how long callbacks kept the loop from its timers.
const HeartbeatInterval = 10 * time.Millisecond

// maxLagSamples bounds the heartbeat history kept for timelines: ten minutes
// at one sample per HeartbeatInterval.
const maxLagSamples = 60_000

// monitor collects the loop's statistics. The loop goroutine writes; any
// goroutine reads. One uncontended mutex per callback costs tens of
// nanoseconds, far below the microseconds a callback's dispatch takes.
type monitor struct {
	mu           sync.Mutex
	since        time.Time
	callbacks    uint64
	busy         time.Duration
	slowest      time.Duration
	slowestName  string
	longestQueue int
	// running is the callback on the loop now and when it began: a loop
	// blocked when stats are read must not look idle.
	running      string
	runningSince time.Time
	// heartbeatDue is when the pending heartbeat should run; past it, the
	// loop is late by at least now minus heartbeatDue.
	heartbeatDue time.Time
	lag          *hdrhistogram.Histogram
	lagCounts    []uint64 // the same lags in the agents' fixed buckets
	lagSamples   []LagSample
	stalls       stallRing
}

func newMonitor() *monitor {
	return &monitor{
		since:     time.Now(),
		lag:       hdrhistogram.New(1, int64(time.Hour/time.Microsecond), 3),
		lagCounts: make([]uint64, len(loopdoc.BoundsMs)+1),
	}
}

func (m *monitor) begin(name string, start time.Time) {
	m.mu.Lock()
	m.running, m.runningSince = name, start
	m.mu.Unlock()
}

func (m *monitor) ran(name string, start, end time.Time) {
	d := end.Sub(start)
	m.mu.Lock()
	m.running = ""
	m.callbacks++
	m.busy += d
	if d > m.slowest {
		m.slowest, m.slowestName = d, name
	}
	if d > StallThreshold {
		m.stalls.add(Stall{StartMs: epochMs(start), DurationMs: ms(d), Handler: name})
	}
	m.mu.Unlock()
}

func (m *monitor) queued(n int) {
	m.mu.Lock()
	m.longestQueue = max(m.longestQueue, n)
	m.mu.Unlock()
}

func (m *monitor) armed(due time.Time) {
	m.mu.Lock()
	m.heartbeatDue = due
	m.mu.Unlock()
}

func (m *monitor) heartbeat(at time.Time, lag time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	_ = m.lag.RecordValue(max(int64(lag/time.Microsecond), 1))
	m.lagCounts[loopdoc.Bucket(ms(lag))]++
	if len(m.lagSamples) < maxLagSamples {
		m.lagSamples = append(m.lagSamples, LagSample{AtMs: ms(at.Sub(m.since)), LagMs: ms(lag)})
	}
}

func (m *monitor) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.since = time.Now()
	m.callbacks, m.busy, m.slowest, m.slowestName, m.longestQueue = 0, 0, 0, "", 0
	m.lag.Reset()
	clear(m.lagCounts)
	m.lagSamples = nil
	m.stalls = stallRing{}
}

// stats reads the figures. A callback still running counts as far as it
// has got, and so does a heartbeat that is overdue: read while the loop is
// blocked, the stats show the block, not an idle loop.
func (m *monitor) stats() LoopStats {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := time.Now()
	window := now.Sub(m.since)
	busy, slowest, slowestName := m.busy, m.slowest, m.slowestName
	s := LoopStats{Callbacks: m.callbacks, LongestQueue: m.longestQueue}
	if m.running != "" {
		d := now.Sub(maxTime(m.runningSince, m.since))
		busy += d
		if d > slowest {
			slowest, slowestName = d, m.running
			s.SlowestStillRunning = true
		}
	}
	s.WindowMs, s.SlowestCallbackMs, s.SlowestHandler = ms(window), ms(slowest), slowestName
	if window > 0 {
		s.BusyFraction = min(1, float64(busy)/float64(window))
	}
	lag := m.lag
	if overdue := now.Sub(m.heartbeatDue); !m.heartbeatDue.IsZero() && overdue > time.Millisecond {
		lag = hdrhistogram.Import(m.lag.Export()) // a copy, with the overdue beat
		_ = lag.RecordValue(int64(overdue / time.Microsecond))
	}
	if lag.TotalCount() > 0 {
		us := func(v int64) float64 { return float64(v) / 1000 }
		s.LagP50Ms = us(lag.ValueAtQuantile(50))
		s.LagP99Ms = us(lag.ValueAtQuantile(99))
		s.LagMaxMs = us(lag.Max())
	}
	return s
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func (m *monitor) samples() []LagSample {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]LagSample(nil), m.lagSamples...)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// heartbeat is a loop timer that re-arms itself every HeartbeatInterval and
// records how late it ran. Only one is ever pending, so a loop blocked for
// five seconds yields one five-second sample, not five hundred.
type heartbeat struct {
	loop *Loop
	due  time.Time
}

func newHeartbeat(l *Loop) *heartbeat { return &heartbeat{loop: l} }

func (h *heartbeat) arm() {
	h.due = time.Now().Add(HeartbeatInterval)
	h.loop.monitor.armed(h.due)
	h.loop.CallLater(HeartbeatInterval, Callback{Name: "heartbeat", Fn: h.beat})
}

func (h *heartbeat) beat() {
	now := time.Now()
	h.loop.monitor.heartbeat(now, max(0, now.Sub(h.due)))
	h.arm()
}
