package sweep

import (
	"math"
	"slices"
	"sort"

	"github.com/blockprobe/blockprobe/report"
)

// The figures each rendering of a sweep shows of a point, and the line of
// the SLO on the latency charts.

// column is one figure of the table of points, shared by the text,
// Markdown and HTML renderings.
type column struct {
	header string
	right  bool
	cell   func(*Sweep, *Point) string
}

var columns = []column{
	{"", false, func(_ *Sweep, p *Point) string { return p.Label }}, // headed by the parameter
	{"main p50", true, mainStat("p50")},
	{"main p99", true, mainStat("p99")},
	{"main max", true, mainStat("max")},
	{"complex p99", true, func(_ *Sweep, p *Point) string { return p99Stat.Cell(p.Report.Endpoints.Complex.Loaded) }},
	{"sent", true, func(_ *Sweep, p *Point) string { return PerSec.Format(math.Round(p.Report.LoadApplied*100) / 100) }},
	{"errors", true, func(_ *Sweep, p *Point) string {
		e := p.Report.Endpoints
		return itoa(e.Main.Baseline.Errors + e.Main.Loaded.Errors + e.Complex.Loaded.Errors)
	}},
	{"verdict", false, func(_ *Sweep, p *Point) string { return report.VerdictWord(p.Report.Verdict) }},
	{"slo", false, func(_ *Sweep, p *Point) string { return sloWord(p) }},
}

var p99Stat = report.StatisticsNamed("p99")[0]

func mainStat(name string) func(*Sweep, *Point) string {
	st := report.StatisticsNamed(name)[0]
	return func(_ *Sweep, p *Point) string { return st.Cell(p.Report.Endpoints.Main.Loaded) }
}

// sloWord says whether a point met the SLO, and how often when it was
// measured more than once: "met", "BROKEN", "met 2/3".
func sloWord(p *Point) string {
	w := "met"
	if !p.Met {
		w = "BROKEN"
	}
	if p.Runs > 1 {
		w += " " + itoa(p.MetRuns) + "/" + itoa(p.Runs)
	}
	return w
}

// table is the table of s's points: a header and a row per point.
func (s *Sweep) table() (header []string, right []bool, rows [][]string) {
	for _, c := range columns {
		h := c.header
		if h == "" {
			h = s.Parameter
		}
		header, right = append(header, h), append(right, c.right)
	}
	for i := range s.Points {
		row := make([]string, len(columns))
		for j, c := range columns {
			row[j] = c.cell(s, &s.Points[i])
		}
		rows = append(rows, row)
	}
	return header, right, rows
}

// series are the latencies the charts draw against the parameter: each
// point's MainHandler and ComplexHandler p99 under load, NaN where none
// was answered.
func (s *Sweep) series() (main, complex []float64) {
	p99 := func(st report.Stats) float64 {
		if !st.HasLatencies() {
			return math.NaN()
		}
		return st.P99Ms
	}
	for _, p := range s.Points {
		main = append(main, p99(p.Report.Endpoints.Main.Loaded))
		complex = append(complex, p99(p.Report.Endpoints.Complex.Loaded))
	}
	return main, complex
}

// sloLine is the latency the charts draw as the SLO's line, with what it
// is, or 0: the bound of the first SLO on a p99 under load, else, for
// not-starved, the starvation limit (the idle p99, a median over the
// points, plus the threshold).
func (s *Sweep) sloLine() (float64, string) {
	exps, _ := report.ParseExpectations(s.SLO, nil)
	for _, e := range exps {
		if e.Verdict == "" && e.Stat == "p99" && e.Phase != "baseline" {
			return e.Value, "SLO " + e.Raw
		}
	}
	if !slices.Contains(s.SLO, "not-starved") || len(s.Points) == 0 {
		return 0, ""
	}
	var limits []float64
	for _, p := range s.Points {
		v := p.Report.Verdict
		limits = append(limits, v.MainP99BaselineMs+v.ThresholdMs)
	}
	sort.Float64s(limits)
	return limits[len(limits)/2], "starved above (idle p99 + threshold)"
}

func itoa(n int) string { return Count.Format(float64(n)) }
