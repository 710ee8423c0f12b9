package report

import "github.com/blockprobe/blockprobe/internal/loopdoc"

// The loop figures are the report's own: the "loop" and "lag_samples"
// members of the JSON report (report.schema.json) are part of its contract, read
// alike from the embedded target, a loop agent or a saved file. Whoever
// measures a loop converts its figures into these once.

// Loop describes how a target's event loop behaved over a run. The
// embedded target and a loop agent fill the same members, so that one
// renderer serves both: an agent's slowest stall is the slowest callback.
type Loop struct {
	// Source says who measured the loop: SourceEmbedded or SourceAgent; empty
	// in reports written before it was recorded (the embedded target).
	Source string `json:"source,omitempty"`
	// Agent is the loop agent read over HTTP; nil for the embedded target.
	Agent               *LoopAgent `json:"agent,omitempty"`
	WindowMs            float64    `json:"window_ms"`                       // the span the figures cover
	Callbacks           uint64     `json:"callbacks"`                       // callbacks run
	SlowestCallbackMs   float64    `json:"slowest_callback_ms"`             // the longest one ran
	SlowestHandler      string     `json:"slowest_handler"`                 // the handler it ran for: the culprit
	SlowestStillRunning bool       `json:"slowest_still_running,omitempty"` // it had not returned when read
	LagP50Ms            float64    `json:"lag_p50_ms"`                      // how late the heartbeat ran
	LagP99Ms            float64    `json:"lag_p99_ms"`
	LagMaxMs            float64    `json:"lag_max_ms"`
	BusyFraction        float64    `json:"busy_fraction"` // of the window spent in callbacks
	LongestQueue        int        `json:"longest_queue"` // callbacks waiting at once, at most
	Pool                *Pool      `json:"pool,omitempty"`
	GIL                 *GIL       `json:"gil,omitempty"`
	// ThresholdMs is how long the loop must be held to make a stall.
	ThresholdMs float64 `json:"threshold_ms,omitempty"`
	// StallsOver counts the stalls of the run: those in Stalls and the
	// MissedStalls, which the agent's ring let go before blockprobe read
	// them (so they have no details).
	StallsOver   int `json:"stalls_over_threshold"`
	MissedStalls int `json:"missed_stalls,omitempty"`
	// Stalls are the times the loop was held past ThresholdMs, in the
	// order they began.
	Stalls []Stall `json:"stalls,omitempty"`
	// Lost says why the agent stopped answering during the run; its
	// figures then cover what it said before.
	Lost string `json:"lost,omitempty"`
}

// The sources of loop figures.
const (
	SourceEmbedded = "embedded" // the embedded target's own monitor
	SourceAgent    = "agent"    // a loop agent's /debug/loop (blockprobe-loop/1)
)

// LoopAgent is the loop agent whose document gave the figures.
type LoopAgent struct {
	URL     string `json:"url"`
	Format  string `json:"format"`            // "blockprobe-loop/1"
	Source  string `json:"source"`            // "agent-python", "agent-node", "embedded"
	Runtime string `json:"runtime,omitempty"` // "CPython 3.11.2, tornado 6.2"
	Pid     int    `json:"pid,omitempty"`     // the server's process
	// ClockOffsetMs is the agent's clock minus blockprobe's; the true
	// offset lies within ±ClockUncertaintyMs of it. Stalls are placed on
	// the run's clock with it.
	ClockOffsetMs      float64 `json:"clock_offset_ms"`
	ClockUncertaintyMs float64 `json:"clock_uncertainty_ms"`
	PollEveryMs        float64 `json:"poll_every_ms"`
	Polls              int     `json:"polls"`        // answers read
	FailedPolls        int     `json:"failed_polls"` // polls that got none
	// Heartbeats counts the agent's heartbeats behind the lag figures;
	// zero when it gave no histogram, and the lag is then unknown.
	Heartbeats uint64 `json:"heartbeats"`
}

// Stall is a time the loop was held past the threshold: when, from the
// start of the run, for how long, and what held it (frames innermost
// first). Frame is a line of the server's code that held the loop. Both
// are the loop document's own (blockprobe-loop/1), placed on the run's
// clock.
type (
	Stall = loopdoc.Stall
	Frame = loopdoc.Frame
)

// FromAgent says whether a loop agent gave l.
func (l *Loop) FromAgent() bool { return l.Source == SourceAgent }

// Answered says whether l holds figures: false when the agent never
// answered.
func (l *Loop) Answered() bool { return l.Agent == nil || l.Agent.Polls > 0 }

// SlowestStall is the longest stall of l, and false when there was none.
func (l *Loop) SlowestStall() (Stall, bool) {
	var best Stall
	found := false
	for _, s := range l.Stalls {
		if !found || s.DurationMs > best.DurationMs {
			best, found = s, true
		}
	}
	return best, found
}

// Culprit names what ran the loop's slowest callback: the embedded
// target's handler, or what held the loop in an agent's slowest stall
// (StallWho); "" when nothing is named, as when an agent saw no stall.
func (l *Loop) Culprit() string {
	if !l.FromAgent() {
		return l.SlowestHandler
	}
	if s, ok := l.SlowestStall(); ok {
		return StallWho(s)
	}
	return ""
}

// Pool describes the worker pool of pooled mode.
type Pool struct {
	Size         int    `json:"size"`          // workers
	Busy         int    `json:"busy"`          // busy when read
	MaxBusy      int    `json:"max_busy"`      // busy at once, at most
	Queued       int    `json:"queued"`        // tasks waiting when read
	LongestQueue int    `json:"longest_queue"` // tasks waiting at once, at most
	Completed    uint64 `json:"completed"`     // tasks done
}

// GIL describes contention for a global interpreter lock.
type GIL struct {
	SwitchIntervalMs float64 `json:"switch_interval_ms"` // how long a waiter waits before it asks
	Acquisitions     uint64  `json:"acquisitions"`       // times the lock was taken
	ForcedSwitches   uint64  `json:"forced_switches"`    // times a holder was asked to drop it
	LoopWaitMs       float64 `json:"loop_wait_ms"`       // the loop's wait for it, in all
	LoopWaitMaxMs    float64 `json:"loop_wait_max_ms"`   // and at most at once
}

// LagSample is one heartbeat of the loop: when it ran, from the start of
// the run, and how late.
type LagSample struct {
	AtMs  float64 `json:"at_ms"`
	LagMs float64 `json:"lag_ms"`
}
