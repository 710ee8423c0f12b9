package report

// The loop figures are the report's own: the "loop" and "lag_samples"
// members of the JSON report (report.schema.json) are part of its contract, read
// alike from the embedded target, a loop agent or a saved file. Whoever
// measures a loop converts its figures into these once.

// Loop describes how a target's event loop behaved over a run.
type Loop struct {
	WindowMs            float64 `json:"window_ms"`                       // the span the figures cover
	Callbacks           uint64  `json:"callbacks"`                       // callbacks run
	SlowestCallbackMs   float64 `json:"slowest_callback_ms"`             // the longest one ran
	SlowestHandler      string  `json:"slowest_handler"`                 // the handler it ran for: the culprit
	SlowestStillRunning bool    `json:"slowest_still_running,omitempty"` // it had not returned when read
	LagP50Ms            float64 `json:"lag_p50_ms"`                      // how late the heartbeat ran
	LagP99Ms            float64 `json:"lag_p99_ms"`
	LagMaxMs            float64 `json:"lag_max_ms"`
	BusyFraction        float64 `json:"busy_fraction"` // of the window spent in callbacks
	LongestQueue        int     `json:"longest_queue"` // callbacks waiting at once, at most
	Pool                *Pool   `json:"pool,omitempty"`
	GIL                 *GIL    `json:"gil,omitempty"`
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
