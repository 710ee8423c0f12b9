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

// Stage is what one stage of the load window measured: the load asked
// and applied, the figures of each endpoint under it, and its own verdict
// against the run's baseline. Requests carry the index of their stage.
type Stage struct {
	Level  float64 `json:"level"`
	Window Window  `json:"window"`
	// LoadApplied is how many ComplexHandler requests per second were sent.
	LoadApplied       float64        `json:"load_applied"`
	GeneratorLagP99Ms float64        `json:"generator_lag_p99_ms"`
	Endpoints         StageEndpoints `json:"endpoints"`
	Verdict           Verdict        `json:"verdict"`
}

// StageEndpoints are the figures of a stage: those of the load phase.
type StageEndpoints struct {
	Main    StageMain       `json:"main"`
	Complex ComplexEndpoint `json:"complex"`
}

// StageMain is MainHandler under one stage's load.
type StageMain struct {
	Loaded            Stats `json:"loaded"`
	LoadedUncorrected Stats `json:"loaded_uncorrected"`
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
func newStages(res *probe.Result) []Stage {
	var out []Stage
	for _, s := range res.Stages {
		out = append(out, Stage{
			Level:             s.Level,
			Window:            Window{StartMs: millis(s.Start), EndMs: millis(s.End)},
			LoadApplied:       RoundMs(s.LoadApplied),
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
		parts[i] = ShortMs(s.DurationMs) + " at " + r.loadLevel(s.Level)
	}
	return strings.Join(parts, ", ")
}

// StageName names stage i (from zero) of r for people: "stage 2 (1s-2s,
// 4 workers)". Its window counts from the start of the load.
func (r *Report) StageName(i int) string {
	s := r.Stages[i]
	from, to := s.Window.StartMs-r.LoadWindow.StartMs, s.Window.EndMs-r.LoadWindow.StartMs
	return fmt.Sprintf("stage %d (%s-%s, %s)", i+1, ShortMs(from), ShortMs(to), r.loadLevel(s.Level))
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
		return ShortMs(w.StartMs-at) + "-" + ShortMs(w.EndMs-at)
	}},
	{"load", false, func(r *Report, i int) string { return r.loadLevel(r.Stages[i].Level) }},
	{"sent", true, func(r *Report, i int) string { return appliedRate(r.Stages[i].LoadApplied) }},
	{"main p50", true, stageStat(func(s *Stage) Stats { return s.Endpoints.Main.Loaded }, "p50")},
	{"main p99", true, stageStat(func(s *Stage) Stats { return s.Endpoints.Main.Loaded }, "p99")},
	{"complex", true, func(r *Report, i int) string { return strconv.Itoa(r.Stages[i].Endpoints.Complex.Loaded.Count) }},
	{"complex p99", true, stageStat(func(s *Stage) Stats { return s.Endpoints.Complex.Loaded }, "p99")},
	{"errors", true, func(r *Report, i int) string {
		e := r.Stages[i].Endpoints
		return strconv.Itoa(e.Main.Loaded.Errors + e.Complex.Loaded.Errors)
	}},
	{"verdict", false, func(r *Report, i int) string { return VerdictWord(r.Stages[i].Verdict) }},
}

func stageStat(row func(*Stage) Stats, name string) func(*Report, int) string {
	st := StatisticsNamed(name)[0]
	return func(r *Report, i int) string { return st.Cell(row(&r.Stages[i])) }
}

// StageTable is the table of r's stages, as every format shows it: a
// header, which columns hold numbers, and a row per stage.
func StageTable(r *Report) (header []string, right []bool, rows [][]string) {
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

// StageVerdictLines state each stage's verdict: "stage 1 (0s-1s, 1
// worker): MainHandler not starved: ...".
func StageVerdictLines(r *Report) []string {
	lines := make([]string, len(r.Stages))
	for i, s := range r.Stages {
		lines[i] = r.StageName(i) + ": " + VerdictLine(s.Verdict)
	}
	return lines
}

// StageRow is one endpoint in the load phase of one stage (from zero),
// with its statistics; its Phase is "stage2_loaded", ...
type StageRow struct {
	Row
	Stage int
}

// StageRows lists the statistics of every stage of r, stage by stage, each
// in the order of Rows; nil without stages.
func (r *Report) StageRows() []StageRow {
	var out []StageRow
	for i := range r.Stages {
		e := &r.Stages[i].Endpoints
		prefix := "stage" + strconv.Itoa(i+1) + "_"
		out = append(out,
			StageRow{Row{EndpointMain, prefix + PhaseLoaded, &e.Main.Loaded}, i},
			StageRow{Row{EndpointMain, prefix + PhaseLoadedUncorrected, &e.Main.LoadedUncorrected}, i},
			StageRow{Row{EndpointComplex, prefix + PhaseLoaded, &e.Complex.Loaded}, i})
	}
	return out
}

// loadPhrase says what load r sent to complexPath: "1 worker x GET
// /complex for 5s", "GET /complex at 10/s for 2s (open loop)", "GET
// /complex in stages of 1s at 1 worker, 1s at 4 workers".
func loadPhrase(r *Report, complexPath string) string {
	c := r.Config
	switch {
	case len(c.Stages) > 0 && r.openLoop():
		return fmt.Sprintf("GET %s open-loop in stages of %s", complexPath, r.stagesLine())
	case len(c.Stages) > 0:
		return fmt.Sprintf("GET %s in stages of %s", complexPath, r.stagesLine())
	case r.openLoop():
		return fmt.Sprintf("GET %s at %s/s for %s (open loop)", complexPath, rate(c.LoadRate), ShortMs(c.DurationMs))
	}
	return fmt.Sprintf("%s x GET %s for %s", r.loadLevel(float64(c.Concurrency)), complexPath, ShortMs(c.DurationMs))
}

// LoadSentLine says how much open-loop load was actually sent, "" for
// workers, whose load is what they could send.
func LoadSentLine(r *Report) string {
	if !r.openLoop() || len(r.Stages) > 0 {
		return ""
	}
	return fmt.Sprintf("Load sent: %s ComplexHandler requests/s (%s/s asked)", strconv.FormatFloat(r.LoadApplied, 'f', 2, 64), rate(r.Config.LoadRate))
}

// StageLabel is the short label of stage i for a timeline: "2: 4 workers".
func StageLabel(r *Report, i int) string {
	return strconv.Itoa(i+1) + ": " + r.loadLevel(r.Stages[i].Level)
}

// allRows are every row of r's statistics: Rows, then those of its stages,
// so that a document's histograms are counted and checked wherever they are.
func (r *Report) allRows() []Row {
	rows := r.Rows()
	for _, sr := range r.StageRows() {
		rows = append(rows, sr.Row)
	}
	return rows
}
