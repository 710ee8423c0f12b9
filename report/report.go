// Package report is the document of a blockprobe run, the JSON report
// (report.schema.json), and what computes on it: building it from a run, reading it
// back from a file (bounded and checked), the median of repeated runs,
// expectations, the diff of two reports and the explanation in plain
// words. It holds the one table of statistics and the phrases and
// formatters every format shares; the formats themselves are rendered by
// its subpackages text, html and export. It knows nothing of HTTP or of
// the embedded target.
package report

import (
	"net/url"
	"time"

	"github.com/blockprobe/blockprobe/probe"
)

// Report is the canonical, serialisable document of one run: the JSON
// report that report.schema.json describes. Every other format is rendered from it, and a saved
// report can be decoded back and rendered again. Durations are float
// milliseconds.
type Report struct {
	// Version is the version of the document (reportVersion); 0 in
	// reports written before it was.
	Version int `json:"blockprobe_report,omitempty"`
	// Mode is "blocking", "async" or "pooled" for the embedded target, or
	// "external".
	Mode string `json:"mode"`
	// Target is "embedded" or the URL of the external target.
	Target string `json:"target"`
	// Label is the name the user gave the run (compare --target name=URL),
	// empty when none was given; see Name.
	Label string `json:"label,omitempty"`
	// Command is the command line that produced the report.
	Command   string    `json:"command,omitempty"`
	Started   time.Time `json:"started"`
	ElapsedMs float64   `json:"elapsed_ms"`
	Partial   bool      `json:"partial"`
	// Status is what the run came to, for CI (ok, failed, inconclusive,
	// interrupted); blockprobe's exit code follows from it.
	Status Status `json:"status" jsonschema:"enum=ok,enum=failed,enum=inconclusive,enum=interrupted"`
	// StatusReason says why in one line: for a run that went well, its
	// verdict line.
	StatusReason string `json:"status_reason"`
	// Unmet lists the expectations (--expect) the run did not meet, each
	// as "expected X, measured Y"; the status is then failed.
	Unmet             []string  `json:"unmet,omitempty"`
	Config            Config    `json:"config"`
	Endpoints         Endpoints `json:"endpoints"`
	Verdict           Verdict   `json:"verdict"`
	GeneratorLagP99Ms float64   `json:"generator_lag_p99_ms"`
	LoadWindow        Window    `json:"load_window"`
	// LoadApplied is how many ComplexHandler requests per second were sent
	// over the load window.
	LoadApplied float64 `json:"load_applied"`
	// StartLateMs is how long after config.start_at this shard reached its
	// load window (see Shard).
	StartLateMs float64 `json:"start_late_ms,omitempty"`
	// Shards lists the reports a merged report was made of (Merge).
	Shards []ShardRun `json:"shards,omitempty"`
	// Stages holds what each stage of the load measured (--stages).
	Stages []Stage `json:"stages,omitempty"`
	Loop   *Loop   `json:"loop,omitempty"`
	// Notes are warnings for the reader.
	Notes []string `json:"notes,omitempty"`
	// Explanation says in plain words what the run measured.
	Explanation *Explanation `json:"explanation,omitempty"`
	// LagSamples is the loop's heartbeat over the run (embedded target
	// only): when each beat ran, from the start of the run, and how late.
	LagSamples []LagSample `json:"lag_samples,omitempty"`
	// RecordsDropped counts the requests left out of Requests to bound
	// memory (--max-records); the statistics include them.
	RecordsDropped int `json:"records_dropped,omitempty"`
	// Repeat is set when the figures are medians over --repeat runs.
	Repeat   *RepeatInfo `json:"repeat,omitempty"`
	Requests []Request   `json:"requests"`
}

// Config is the configuration a run was made with.
type Config struct {
	ComplexDelayMs float64 `json:"complex_delay_ms"`
	Pool           int     `json:"pool"`
	Work           string  `json:"work"`
	GIL            bool    `json:"gil"`
	Concurrency    int     `json:"concurrency"`
	// LoadRate is the rate of open-loop load (--load-rate), zero for
	// workers; with Stages, the highest stage's.
	LoadRate   float64     `json:"load_rate,omitempty"`
	Stages     []StagePlan `json:"stages,omitempty"`
	Rate       float64     `json:"rate"`
	Baseline   int         `json:"baseline"`
	DurationMs float64     `json:"duration_ms"`
	TimeoutMs  float64     `json:"timeout_ms"`
	// GraceMs is how long after the load window ComplexHandler requests
	// still in flight were awaited (--grace); 0 in reports made before.
	GraceMs           float64 `json:"grace_ms,omitempty"`
	StarveThresholdMs float64 `json:"starve_threshold_ms"`
	MainPath          string  `json:"main_path"`
	ComplexPath       string  `json:"complex_path"`
	// Shard is "I/N" in the report of one shard of a run (--shard), and
	// StartAt the instant every shard's load window began (--start-at,
	// RFC 3339); see shard.go.
	Shard   string `json:"shard,omitempty"`
	StartAt string `json:"start_at,omitempty"`
}

// Endpoints holds the latency statistics of each endpoint in each phase.
type Endpoints struct {
	Main    MainEndpoint    `json:"main"`
	Complex ComplexEndpoint `json:"complex"`
}

// MainEndpoint holds MainHandler's statistics: idle, under load, and under
// load measured from the actual send rather than the schedule.
type MainEndpoint struct {
	Baseline          Stats `json:"baseline"`
	Loaded            Stats `json:"loaded"`
	LoadedUncorrected Stats `json:"loaded_uncorrected"`
}

// ComplexEndpoint holds ComplexHandler's statistics under load.
type ComplexEndpoint struct {
	Loaded Stats `json:"loaded"`
}

// Stats are the statistics of one endpoint in one phase (probe.Stats in
// the report's units). Statistics lists their figures. The latencies are
// null in the JSON when no request was answered (0 here).
type Stats struct {
	Count         int            `json:"count"`
	OK            int            `json:"ok"`
	Errors        int            `json:"errors"`
	ErrorsByClass map[string]int `json:"errors_by_class,omitempty"`
	MinMs         float64        `json:"min_ms" jsonschema:"nullable"`
	P50Ms         float64        `json:"p50_ms" jsonschema:"nullable"`
	P90Ms         float64        `json:"p90_ms" jsonschema:"nullable"`
	P99Ms         float64        `json:"p99_ms" jsonschema:"nullable"`
	MaxMs         float64        `json:"max_ms" jsonschema:"nullable"`
	MeanMs        float64        `json:"mean_ms" jsonschema:"nullable"`
	// Histogram holds the latencies of the answered requests, in
	// microseconds, as an HDR histogram in the standard compressed encoding:
	// the source of the figures above (see Distribution). It is empty when
	// nothing was answered, and in reports written before it was kept.
	Histogram string `json:"histogram,omitempty"`
}

// Verdict is probe.Verdict in the report's units, with its one-line
// summary for people. A p99 that nothing was measured for, and the excess
// over it, are null in the JSON (0 here).
type Verdict struct {
	Starved           bool    `json:"starved"`
	Conclusive        bool    `json:"conclusive"`
	MainP99BaselineMs float64 `json:"main_p99_baseline_ms" jsonschema:"nullable"`
	MainP99LoadedMs   float64 `json:"main_p99_loaded_ms" jsonschema:"nullable"`
	ThresholdMs       float64 `json:"threshold_ms"`
	ExcessMs          float64 `json:"excess_ms" jsonschema:"nullable"`
	Probes            int     `json:"probes"`
	Stalled           int     `json:"stalled"`
	NoBaseline        bool    `json:"no_baseline"`
	// Reason says why there is no verdict; empty when Conclusive.
	Reason string `json:"inconclusive_reason,omitempty"`
	// Summary is VerdictLine of this verdict.
	Summary string `json:"summary"`
}

// Window is a span of the run, as offsets from its start.
type Window struct {
	StartMs float64 `json:"start_ms"`
	EndMs   float64 `json:"end_ms"`
}

// Request is one request of the run. Times are offsets from the start
// of the run; Error is the error class, empty when the request went well.
type Request struct {
	Endpoint      string  `json:"endpoint"`
	Phase         string  `json:"phase"`
	ScheduledMs   float64 `json:"scheduled_ms"`
	FiredMs       float64 `json:"fired_ms"`
	StartMs       float64 `json:"start_ms"`
	EndMs         float64 `json:"end_ms"`
	LatencyMs     float64 `json:"latency_ms"`
	UncorrectedMs float64 `json:"uncorrected_ms"`
	Status        int     `json:"status"`
	Error         string  `json:"error"`
	Detail        string  `json:"detail,omitempty"`
	// Repeat is the run (from 1) of a --repeat report the request belongs to.
	Repeat int `json:"repeat,omitempty"`
	// Stage is the index in Stages of the stage a loaded request was due
	// in, from 0 (omitted).
	Stage int `json:"stage,omitempty"`
}

// TargetEmbedded is the Target of a report on the embedded target.
const TargetEmbedded = "embedded"

// The endpoints and phases a report's statistics and requests name.
const (
	EndpointMain           = string(probe.Main)
	EndpointComplex        = string(probe.Complex)
	PhaseBaseline          = string(probe.Baseline)
	PhaseLoaded            = string(probe.Loaded)
	PhaseLoadedUncorrected = "loaded_uncorrected" // the loaded probes, timed from the actual send
)

// Row is one endpoint in one phase of a run, with its statistics.
type Row struct {
	Endpoint, Phase string // as in the JSON: "main", "loaded_uncorrected", ...
	Stats           *Stats
}

// Rows lists the statistics of r in the order of the JSON report: main
// baseline, main loaded, main loaded_uncorrected, complex loaded. Every
// format and figure that walks a report's statistics walks this list.
func (r *Report) Rows() []Row {
	m, c := &r.Endpoints.Main, &r.Endpoints.Complex
	return []Row{
		{EndpointMain, PhaseBaseline, &m.Baseline},
		{EndpointMain, PhaseLoaded, &m.Loaded},
		{EndpointMain, PhaseLoadedUncorrected, &m.LoadedUncorrected},
		{EndpointComplex, PhaseLoaded, &c.Loaded},
	}
}

// Stats returns the statistics of endpoint in phase, or nil when r has no
// such row.
func (r *Report) Stats(endpoint, phase string) *Stats {
	for _, row := range r.Rows() {
		if row.Endpoint == endpoint && row.Phase == phase {
			return row.Stats
		}
	}
	return nil
}

// Answered is how many requests got an answer (any status): those that
// count in the percentiles.
func (s Stats) Answered() int { return probe.Answered(s.Count, s.ErrorsByClass) }

// HasLatencies says whether any request of s was answered, and so whether
// s has latencies: an answered request takes at least 1µs.
func (s Stats) HasLatencies() bool { return s.Count > 0 && s.MaxMs != 0 }

// Name names the run for tables and comparisons: its Label if it has one,
// else its mode for the embedded target, else the host:port of the external
// target's URL (the whole target if that has no host).
func (r *Report) Name() string {
	switch {
	case r.Label != "":
		return r.Label
	case r.Target == TargetEmbedded:
		return r.Mode
	}
	if u, err := url.Parse(r.Target); err == nil && u.Host != "" {
		return u.Host
	}
	return r.Target
}
