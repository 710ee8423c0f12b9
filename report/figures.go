package report

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Statistic is one figure of every Stats, as expectations, diff, --repeat,
// the benchmark format and every table name and read it.
type Statistic struct {
	// Name names it in expectations, figures and table headers: "p99".
	Name string
	// Member is its member in the JSON statistics: "p99_ms".
	Member string
	// ms reads a latency, in milliseconds; n reads a count. One is set,
	// or loop for a figure of the run's event loop.
	ms func(*Stats) *float64
	n  func(*Stats) *int
	// loop reads a figure of the event loop: a latency in milliseconds,
	// or a count when count is set. It is named "loop.NAME".
	loop  func(*Loop) float64
	count bool
	// tolerates is, for a latency, the share of unanswered requests beyond
	// which it is infinite: a percentile covers the answered requests only,
	// so the p99 is unknown once more than 1% got no answer.
	tolerates float64
}

// Statistics are the figures of every Stats, in the order of its JSON
// members and of every table of them.
var Statistics = []Statistic{
	{Name: "count", Member: "count", n: func(s *Stats) *int { return &s.Count }},
	{Name: "ok", Member: "ok", n: func(s *Stats) *int { return &s.OK }},
	{Name: "errors", Member: "errors", n: func(s *Stats) *int { return &s.Errors }},
	{Name: "min", Member: "min_ms", ms: func(s *Stats) *float64 { return &s.MinMs }, tolerates: 0.999999},
	{Name: "p50", Member: "p50_ms", ms: func(s *Stats) *float64 { return &s.P50Ms }, tolerates: 0.5},
	{Name: "p90", Member: "p90_ms", ms: func(s *Stats) *float64 { return &s.P90Ms }, tolerates: 0.1},
	{Name: "p99", Member: "p99_ms", ms: func(s *Stats) *float64 { return &s.P99Ms }, tolerates: 0.01},
	{Name: "max", Member: "max_ms", ms: func(s *Stats) *float64 { return &s.MaxMs }},
	{Name: "mean", Member: "mean_ms", ms: func(s *Stats) *float64 { return &s.MeanMs }},
}

// LoopStatistics are the figures of a run's event loop (Loop), for the
// embedded target and a loop agent alike: "loop.lag_p99<50ms" in an
// expectation. They stay out of Statistics, whose figures every endpoint
// and phase has, and every latency table shows.
var LoopStatistics = []Statistic{
	{Name: "lag_p50", Member: "lag_p50_ms", loop: func(l *Loop) float64 { return l.LagP50Ms }},
	{Name: "lag_p99", Member: "lag_p99_ms", loop: func(l *Loop) float64 { return l.LagP99Ms }},
	{Name: "lag_max", Member: "lag_max_ms", loop: func(l *Loop) float64 { return l.LagMaxMs }},
	// The slowest stall is the slowest callback: the embedded target times
	// every callback; an agent times the stalls, or gives its largest lag.
	{Name: "slowest_stall", Member: "slowest_callback_ms", loop: func(l *Loop) float64 { return l.SlowestCallbackMs }},
	{Name: "stalls", Member: "stalls_over_threshold", loop: func(l *Loop) float64 { return float64(l.StallsOver) }, count: true},
}

// EndpointLoop names the loop's figures as an endpoint names its own:
// "loop.slowest_stall".
const EndpointLoop = "loop"

// Latency says whether st is a latency in milliseconds; else it is a
// count.
func (st Statistic) Latency() bool { return st.ms != nil || st.loop != nil && !st.count }

// OfLoop reads a loop statistic from l, and says why it cannot when l has
// no such figure: no loop figures at all, an agent that never answered or
// gave no lag, a report written before stalls were counted.
func (st Statistic) OfLoop(l *Loop) (float64, string) {
	switch {
	case l == nil:
		return 0, "no loop figures (an external target without a loop agent)"
	case !l.Answered():
		return 0, "no loop figures (the loop agent never answered)"
	case l.Lost != "":
		// What it did not say of the run's end could be its worst stall.
		return 0, "no complete loop figures (" + l.Lost + ")"
	case st.count && l.Source == "":
		return 0, "no stall count (the report predates it)"
	case strings.HasPrefix(st.Name, "lag_") && l.Agent != nil && l.Agent.Heartbeats == 0:
		return 0, "no lag figures (the loop agent gave no lag histogram)"
	case st.Name == "slowest_stall" && l.Agent != nil && l.Agent.Heartbeats == 0 && len(l.Stalls) == 0:
		// Its slowest stall would be its largest lag, which it did not give.
		return 0, "no stall figures (the loop agent gave no lag histogram and named no stall)"
	}
	return st.loop(l), ""
}

// Of reads st from s.
func (st Statistic) Of(s Stats) float64 {
	if st.Latency() {
		return *st.ms(&s)
	}
	return float64(*st.n(&s))
}

// NoFigure stands in a table for a latency with no answer behind it.
const NoFigure = "—"

// Cell shows st of s in a table: a count, a latency, or NoFigure for a
// latency of a row in which nothing was answered.
func (st Statistic) Cell(s Stats) string {
	if !st.Latency() {
		return strconv.Itoa(*st.n(&s))
	}
	if !s.HasLatencies() {
		return NoFigure
	}
	return FormatMs(*st.ms(&s))
}

// Beyond says whether a latency of s counts as infinite, because more of
// its requests went unanswered than the statistic can ignore (all of them
// for the max and the mean), or none was sent.
func (st Statistic) Beyond(s Stats) bool {
	return s.Count == 0 || float64(s.Count-s.Answered()) > st.tolerates*float64(s.Count)
}

// StatisticsNamed returns the statistics of the given names, in that
// order; it panics on a name no statistic has, a mistake in the tables
// built from it.
func StatisticsNamed(names ...string) []Statistic {
	out := make([]Statistic, len(names))
	for i, name := range names {
		st, ok := statisticNamed(name)
		if !ok {
			panic("report: no statistic " + name)
		}
		out[i] = st
	}
	return out
}

func statisticNamed(name string) (Statistic, bool) {
	for _, st := range Statistics {
		if st.Name == name {
			return st, true
		}
	}
	return Statistic{}, false
}

// figure is one statistic of one endpoint in one phase, named like
// "main.loaded.p99".
type figure struct {
	Endpoint, Phase string
	Stat            Statistic
}

func (f figure) String() string {
	if f.Endpoint == EndpointLoop {
		return f.Endpoint + "." + f.Stat.Name
	}
	return f.Endpoint + "." + f.Phase + "." + f.Stat.Name
}

// Of reads f from r; 0 when r has no such row or figure.
func (f figure) Of(r *Report) float64 {
	if f.Endpoint == EndpointLoop {
		v, _ := f.Stat.OfLoop(r.Loop)
		return v
	}
	if s := r.Stats(f.Endpoint, f.Phase); s != nil {
		return f.Stat.Of(*s)
	}
	return 0
}

// newFigure names a figure by its parts, or says which part no report has.
// A loop figure has no phase.
func newFigure(endpoint, phase, stat string) (figure, error) {
	switch {
	case endpoint == EndpointLoop && phase != "":
		return figure{}, fmt.Errorf("the loop's figures have no phase: loop.%s, not loop.%s.%s", stat, phase, stat)
	case endpoint == EndpointLoop:
		return newLoopFigure(stat)
	}
	var phases []string
	for _, row := range new(Report).Rows() {
		if row.Endpoint == endpoint {
			phases = append(phases, row.Phase)
		}
	}
	st, ok := statisticNamed(stat)
	switch {
	case len(phases) == 0:
		return figure{}, fmt.Errorf("unknown endpoint %q (want %s or %s)", endpoint, EndpointMain, EndpointComplex)
	case !slices.Contains(phases, phase):
		return figure{}, fmt.Errorf("unknown phase %q for %s (want %s)", phase, endpoint, strings.Join(phases, ", "))
	case !ok:
		var names []string
		for _, latency := range []bool{true, false} {
			for _, st := range Statistics {
				if st.Latency() == latency {
					names = append(names, st.Name)
				}
			}
		}
		return figure{}, fmt.Errorf("unknown statistic %q (want one of %s)", stat, strings.Join(names, ", "))
	}
	return figure{endpoint, phase, st}, nil
}

// figures returns the figures of the given names ("main.loaded.p99"); it
// panics on a name no report has, a mistake in the tables built from it.
func figures(names ...string) []figure {
	out := make([]figure, len(names))
	for i, name := range names {
		parts := strings.SplitN(name, ".", 3)
		if len(parts) != 3 {
			panic("report: not a figure: " + name)
		}
		f, err := newFigure(parts[0], parts[1], parts[2])
		if err != nil {
			panic("report: " + err.Error())
		}
		out[i] = f
	}
	return out
}

func newLoopFigure(stat string) (figure, error) {
	names := make([]string, len(LoopStatistics))
	for i, st := range LoopStatistics {
		if st.Name == stat {
			return figure{Endpoint: EndpointLoop, Stat: st}, nil
		}
		names[i] = st.Name
	}
	return figure{}, fmt.Errorf("unknown loop figure %q (want one of %s)", stat, strings.Join(names, ", "))
}
