package target

// LoopStats describes how the event loop behaved over a window of time.
// Field names follow the "loop" object of the JSON report, report.schema.json.
type LoopStats struct {
	WindowMs          float64 `json:"window_ms"`
	Callbacks         uint64  `json:"callbacks"`
	SlowestCallbackMs float64 `json:"slowest_callback_ms"`
	SlowestHandler    string  `json:"slowest_handler"`
	// SlowestStillRunning is set when the slowest callback had not finished
	// when the figures were read: the loop was blocked at that moment.
	SlowestStillRunning bool       `json:"slowest_still_running,omitempty"`
	LagP50Ms            float64    `json:"lag_p50_ms"`
	LagP99Ms            float64    `json:"lag_p99_ms"`
	LagMaxMs            float64    `json:"lag_max_ms"`
	BusyFraction        float64    `json:"busy_fraction"`
	LongestQueue        int        `json:"longest_queue"`
	Pool                *PoolStats `json:"pool,omitempty"`
	GIL                 *GILStats  `json:"gil,omitempty"`
}

// PoolStats describes the worker pool of pooled mode.
type PoolStats struct {
	Size         int    `json:"size"`
	Busy         int    `json:"busy"`
	MaxBusy      int    `json:"max_busy"`
	Queued       int    `json:"queued"`
	LongestQueue int    `json:"longest_queue"`
	Completed    uint64 `json:"completed"`
}

// GILStats describes contention for the modelled global interpreter lock.
type GILStats struct {
	SwitchIntervalMs float64 `json:"switch_interval_ms"`
	Acquisitions     uint64  `json:"acquisitions"`
	ForcedSwitches   uint64  `json:"forced_switches"`
	LoopWaitMs       float64 `json:"loop_wait_ms"`
	LoopWaitMaxMs    float64 `json:"loop_wait_max_ms"`
}

// LagSample is one heartbeat of the loop: when it ran, relative to the start
// of the stats window, and how late it ran.
type LagSample struct {
	AtMs  float64 `json:"at_ms"`
	LagMs float64 `json:"lag_ms"`
}
