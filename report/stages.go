package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/blockprobe/blockprobe/probe"
)

// StagePlan is one stage of the load as asked (--stages): how long, and
// its level: workers, or requests per second when the load is open-loop
// (Config.LoadRate above zero).
type StagePlan struct {
	DurationMs float64 `json:"duration_ms"`
	Level      float64 `json:"level"`
}

// StageJSON is what one stage of the load window measured: the load asked
// and applied, the figures of each endpoint under it, and its own verdict
// against the run's baseline. Requests carry the index of their stage.
type StageJSON struct {
	Level  float64 `json:"level"`
	Window Window  `json:"window"`
	// LoadApplied is how many ComplexHandler requests per second were sent.
	LoadApplied       float64        `json:"load_applied"`
	GeneratorLagP99Ms float64        `json:"generator_lag_p99_ms"`
	Endpoints         StageEndpoints `json:"endpoints"`
	Verdict           VerdictJSON    `json:"verdict"`
}

// StageEndpoints are the figures of a stage: those of the load phase.
type StageEndpoints struct {
	Main    StageMain       `json:"main"`
	Complex ComplexEndpoint `json:"complex"`
}

// StageMain is MainHandler under one stage's load.
type StageMain struct {
	Loaded            StatsJSON `json:"loaded"`
	LoadedUncorrected StatsJSON `json:"loaded_uncorrected"`
}

// StagePlans is stages as a report's configuration holds them, nil
// without.
func StagePlans(stages []probe.Stage) []StagePlan {
	var out []StagePlan
	for _, s := range stages {
		out = append(out, StagePlan{DurationMs: millis(s.Duration), Level: s.Level})
	}
	return out
}

// probeStages is the inverse of StagePlans, for a run rebuilt from its
// records.
func probeStages(plans []StagePlan) []probe.Stage {
	var out []probe.Stage
	for _, p := range plans {
		out = append(out, probe.Stage{Duration: fromMillis(p.DurationMs), Level: p.Level})
	}
	return out
}

// newStages is what each stage of res measured, nil without stages.
func newStages(res *probe.Result) []StageJSON {
	var out []StageJSON
	for _, s := range res.Stages {
		out = append(out, StageJSON{
			Level:             s.Level,
			Window:            Window{StartMs: millis(s.Start), EndMs: millis(s.End)},
			LoadApplied:       s.LoadApplied,
			GeneratorLagP99Ms: millis(s.GeneratorLagP99),
			Endpoints: StageEndpoints{
				Main:    StageMain{Loaded: newStats(s.MainLoaded), LoadedUncorrected: newStats(s.MainLoadedUncorrected)},
				Complex: ComplexEndpoint{Loaded: newStats(s.ComplexLoaded)},
			},
			Verdict: newVerdict(s.Verdict),
		})
	}
	return out
}

// openLoop says whether r's load was sent open-loop, at a rate.
func (r *Report) openLoop() bool { return r.Config.LoadRate > 0 }

// loadLevel says a level of r's load for people: "4 workers", "10/s".
func (r *Report) loadLevel(level float64) string {
	if r.openLoop() {
		return rate(level) + "/s"
	}
	if level == 1 {
		return "1 worker"
	}
	return rate(level) + " workers"
}

// rate renders a rate or a count without needless decimals: "10", "2.5".
func rate(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// appliedRate renders a measured rate of requests per second: "9.98/s".
func appliedRate(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) + "/s" }

// stagesLine describes the stages of r's load: "1s at 1 worker, 1s at 4
// workers".
func (r *Report) stagesLine() string {
	parts := make([]string, len(r.Config.Stages))
	for i, s := range r.Config.Stages {
		parts[i] = shortMs(s.DurationMs) + " at " + r.loadLevel(s.Level)
	}
	return strings.Join(parts, ", ")
}

// stageName names stage i (from zero) of r for people: "stage 2 (1s-2s,
// 4 workers)". Its window counts from the start of the load.
func (r *Report) stageName(i int) string {
	s := r.Stages[i]
	from, to := s.Window.StartMs-r.LoadWindow.StartMs, s.Window.EndMs-r.LoadWindow.StartMs
	return fmt.Sprintf("stage %d (%s-%s, %s)", i+1, shortMs(from), shortMs(to), r.loadLevel(s.Level))
}

// stageColumn is one column of the table of stages, shared by the text,
// Markdown and HTML renderings.
type stageColumn struct {
	header string
	right  bool
	cell   func(r *Report, i int) string
}

var stageColumns = []stageColumn{
	{"stage", false, func(_ *Report, i int) string { return strconv.Itoa(i + 1) }},
	{"window", false, func(r *Report, i int) string {
		w, at := r.Stages[i].Window, r.LoadWindow.StartMs
		return shortMs(w.StartMs-at) + "-" + shortMs(w.EndMs-at)
	}},
	{"load", false, func(r *Report, i int) string { return r.loadLevel(r.Stages[i].Level) }},
	{"sent", true, func(r *Report, i int) string { return appliedRate(r.Stages[i].LoadApplied) }},
	{"main p50", true, stageStat(func(s *StageJSON) StatsJSON { return s.Endpoints.Main.Loaded }, func(s StatsJSON) float64 { return s.P50Ms })},
	{"main p99", true, stageStat(func(s *StageJSON) StatsJSON { return s.Endpoints.Main.Loaded }, func(s StatsJSON) float64 { return s.P99Ms })},
	{"complex", true, func(r *Report, i int) string { return strconv.Itoa(r.Stages[i].Endpoints.Complex.Loaded.Count) }},
	{"complex p99", true, stageStat(func(s *StageJSON) StatsJSON { return s.Endpoints.Complex.Loaded }, func(s StatsJSON) float64 { return s.P99Ms })},
	{"errors", true, func(r *Report, i int) string {
		e := r.Stages[i].Endpoints
		return strconv.Itoa(e.Main.Loaded.Errors + e.Complex.Loaded.Errors)
	}},
	{"verdict", false, func(r *Report, i int) string { return verdictWord(r.Stages[i].Verdict) }},
}

func stageStat(row func(*StageJSON) StatsJSON, stat func(StatsJSON) float64) func(*Report, int) string {
	return func(r *Report, i int) string { s := row(&r.Stages[i]); return latencyCell(s, stat(s)) }
}

// stageTable is the table of r's stages: a header and a row per stage.
func stageTable(r *Report) (header []string, right []bool, rows [][]string) {
	for _, c := range stageColumns {
		header, right = append(header, c.header), append(right, c.right)
	}
	for i := range r.Stages {
		row := make([]string, len(stageColumns))
		for j, c := range stageColumns {
			row[j] = c.cell(r, i)
		}
		rows = append(rows, row)
	}
	return header, right, rows
}

// stageVerdictLines state each stage's verdict: "stage 1 (0s-1s, 1
// worker): MainHandler not starved: ...".
func stageVerdictLines(r *Report) []string {
	lines := make([]string, len(r.Stages))
	for i, s := range r.Stages {
		lines[i] = r.stageName(i) + ": " + VerdictLine(s.Verdict)
	}
	return lines
}

// stageRow is one endpoint in the load phase of one stage (from zero),
// with its statistics; its Phase is "stage2_loaded", ...
type stageRow struct {
	Row
	stage int
}

// stageRows lists the statistics of every stage of r, stage by stage, each
// in the order of Rows; nil without stages.
func (r *Report) stageRows() []stageRow {
	var out []stageRow
	for i := range r.Stages {
		e := &r.Stages[i].Endpoints
		prefix := "stage" + strconv.Itoa(i+1) + "_"
		out = append(out,
			stageRow{Row{endpointMain, prefix + phaseLoaded, &e.Main.Loaded}, i},
			stageRow{Row{endpointMain, prefix + phaseUncorrected, &e.Main.LoadedUncorrected}, i},
			stageRow{Row{endpointComplex, prefix + phaseLoaded, &e.Complex.Loaded}, i})
	}
	return out
}
