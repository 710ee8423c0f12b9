package html

import (
	"bufio"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"

	"github.com/blockprobe/blockprobe/report"
)

// The HTML report is one self-contained file: an html/template page with
// its stylesheet inline and the charts as inline SVG drawn in Go. It has no
// script and refers to no URL, so it renders offline, in a CI artifact
// viewer, and under the Content-Security-Policy it declares (nothing may
// be fetched).

//go:embed assets/report.html.tmpl
var htmlTemplateText string

//go:embed assets/report.css
var htmlCSS string

var htmlTemplate = template.Must(template.New("report").Parse(htmlTemplateText))

// WriteHTML writes runs as one self-contained HTML page: the verdict of
// each run in plain words; a timeline of every request by endpoint over the
// shaded load window; MainHandler's latency against the time each request
// was due, idle and under load; the latency distribution of each endpoint
// and phase by percentile; the loop's lag over time and its slowest
// callback (embedded target); the tables of the text report; and the
// command and configuration. Several runs (compare) are drawn side by side
// on shared axes. Request details show as tooltips.
func WriteHTML(w io.Writer, runs []*report.Report) error {
	bw := bufio.NewWriter(w)
	if err := htmlTemplate.Execute(bw, newHTMLPage(runs)); err != nil {
		return fmt.Errorf("write HTML report: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write HTML report: %w", err)
	}
	return nil
}

// htmlPage is what the template renders.
type htmlPage struct {
	Title   string
	CSS     template.CSS
	Command string // when every run was made by the same command
	Started string
	Runs    []htmlRun
	Compare *htmlTable // the side-by-side table, for several runs
	Charts  []htmlChart
	Cols    int
}

// htmlRun is one run's verdict, tables and settings.
type htmlRun struct {
	Name        string
	Word, Class string // the verdict in a word, and its style
	Plain       string // the verdict in plain words
	Line        string // VerdictLine
	Explanation []string
	Header      string
	Scenario    string
	Table       htmlTable
	Loop        string
	Notes       []string
	Command     string
	Config      [][2]string
}

// htmlTable is a table of cells; Right says which columns hold numbers.
// A header may have several lines.
type htmlTable struct {
	Header [][]string
	Right  []bool
	Rows   [][]string
}

// htmlChart is one kind of chart: a panel per run.
type htmlChart struct {
	ID, Title, Desc string
	Legend          []htmlKey
	Panels          []htmlPanel
}

// htmlKey is one entry of a chart's legend: a swatch style and its meaning.
type htmlKey struct{ Class, Label string }

// htmlPanel is one run's chart and what to say under it: the key fact in
// bold, then the details.
type htmlPanel struct {
	Name             string
	SVG              template.HTML
	Callout, Caption string
}

func newHTMLPage(runs []*report.Report) htmlPage {
	p := htmlPage{CSS: template.CSS(htmlCSS), Cols: panelCols(len(runs))}
	var words []string
	for i, r := range runs {
		run := newHTMLRun(r)
		p.Runs = append(p.Runs, run)
		words = append(words, run.Name+" "+run.Word)
		if i == 0 {
			p.Command, p.Started = r.Command, r.Started.Format(report.DateFormat)
		} else if r.Command != p.Command {
			p.Command = ""
		}
	}
	p.Title = "blockprobe: " + strings.Join(words, ", ")
	if len(runs) > 1 {
		p.Compare = compareHTMLTable(runs)
	}
	if len(runs) > 0 {
		p.Charts = htmlCharts(runs)
	}
	return p
}

func newHTMLRun(r *report.Report) htmlRun {
	run := htmlRun{
		Name:     r.Name(),
		Line:     report.VerdictLine(r.Verdict),
		Header:   report.TargetLine(r),
		Scenario: report.ScenarioLine(r),
		Table:    latencyHTMLTable(r),
		Command:  r.Command,
		Config:   configRows(r),
	}
	run.Word, run.Class, run.Plain = plainVerdict(r)
	if r.Explanation != nil {
		run.Explanation = r.Explanation.Sentences
	} else {
		run.Explanation = report.Explain(r).Sentences
	}
	run.Loop = report.LoopLine(r.Loop)
	run.Notes = append([]string{report.UncorrectedNote}, report.ErrorLines(r)...)
	for _, w := range report.Warnings(r) {
		run.Notes = append(run.Notes, w.String())
	}
	return run
}

// plainVerdict says the verdict in a word, its style, and in a sentence.
func plainVerdict(r *report.Report) (word, class, plain string) {
	v := r.Verdict
	idle := report.ShortMs(v.MainP99BaselineMs)
	switch {
	case !v.Conclusive:
		return "inconclusive", "inconclusive", "No verdict: " + report.InconclusiveReason(v) + "."
	case v.Starved && v.MainP99LoadedMs == 0:
		return "STARVED", "starved", fmt.Sprintf("MainHandler was starved: none of its %d probes under load was answered.", v.Probes)
	case v.Starved:
		return "STARVED", "starved", fmt.Sprintf("MainHandler was starved: while ComplexHandler ran, MainHandler's p99 latency rose to %s, against %s when the server was idle.",
			report.ShortMs(v.MainP99LoadedMs), idle)
	default:
		return "not starved", "ok", fmt.Sprintf("MainHandler was not starved: under load its p99 latency was %s, against %s idle, within the %s threshold.",
			report.ShortMs(v.MainP99LoadedMs), idle, report.ShortMs(v.ThresholdMs))
	}
}

// latencyHTMLTable holds the figures of the text report's table.
func latencyHTMLTable(r *report.Report) htmlTable {
	t := htmlTable{Header: [][]string{{"endpoint"}, {"phase"}}, Right: []bool{false, false}}
	for _, st := range report.Statistics {
		t.Header, t.Right = append(t.Header, []string{st.Name}), append(t.Right, true)
	}
	for _, row := range report.TableRows(r) {
		t.Rows = append(t.Rows, row.Cells(report.Statistics))
	}
	return t
}

// compareHTMLTable is the side-by-side table of compare.
func compareHTMLTable(runs []*report.Report) *htmlTable {
	t := &htmlTable{}
	for _, c := range report.CompareColumns {
		lines := strings.Split(strings.TrimPrefix(strings.ToLower(c.Header), "\n"), "\n")
		t.Header, t.Right = append(t.Header, lines), append(t.Right, c.Right)
	}
	for _, r := range runs {
		t.Rows = append(t.Rows, report.CompareRow(r))
	}
	return t
}

// configRows lists what the run was made with.
func configRows(r *report.Report) [][2]string {
	c := r.Config
	rows := [][2]string{{"target", r.Target}, {"mode", r.Mode}}
	if r.Target == report.TargetEmbedded {
		rows = append(rows, [2]string{"complex delay", report.ShortMs(c.ComplexDelayMs)}, [2]string{"work", c.Work})
		if r.Mode == report.ModePooled {
			rows = append(rows, [2]string{"pool", strconv.Itoa(c.Pool) + " workers"})
		}
		rows = append(rows, [2]string{"GIL", c.GILState()})
	}
	rows = append(rows,
		[2]string{"concurrency", strconv.Itoa(c.Concurrency)},
		[2]string{"rate", strconv.FormatFloat(c.Rate, 'g', -1, 64) + "/s"},
		[2]string{"baseline", strconv.Itoa(c.Baseline) + " requests"},
		[2]string{"duration", report.ShortMs(c.DurationMs)},
		[2]string{"timeout", report.ShortMs(c.TimeoutMs)},
		[2]string{"starve threshold", report.ShortMs(c.StarveThresholdMs)},
		[2]string{"MainHandler path", c.MainPath},
		[2]string{"ComplexHandler path", c.ComplexPath},
		[2]string{"started", r.Started.Format(report.DateFormat)},
		[2]string{"took", report.ShortMs(r.ElapsedMs)})
	if r.Repeat != nil {
		rows = append(rows, [2]string{"repeat", fmt.Sprintf("%d runs (timelines show the first; percentiles, all)", r.Repeat.N)})
	}
	return rows
}

// htmlCharts draws the charts of every run on shared axes.
func htmlCharts(runs []*report.Report) []htmlChart {
	cs := newChartSet(runs)
	panels := func(draw func(*report.Report) template.HTML, caption func(*report.Report) (string, string)) []htmlPanel {
		out := make([]htmlPanel, len(runs))
		for i, r := range runs {
			out[i] = htmlPanel{Name: r.Name(), SVG: draw(r)}
			if caption != nil {
				out[i].Callout, out[i].Caption = caption(r)
			}
		}
		return out
	}
	windowKey := htmlKey{"key-window", "load window"}
	limitKey := htmlKey{"key-limit", "starvation limit: idle p99 + threshold"}
	failedKey := htmlKey{"key-failed", "failed (timeout, error status, ...)"}
	charts := []htmlChart{
		{
			ID: "timeline", Title: "Request timeline",
			Desc: "Every request as a bar on one time axis: ComplexHandler from start to end, MainHandler from the time it was due to its answer. " +
				"Requests in flight at once stack up; when MainHandler bars all end together, they were waiting for the same thing. " +
				"Requests closer than a pixel share a bar, whose tooltip names the slowest.",
			Legend: []htmlKey{{"key-complex", "ComplexHandler"}, {"key-main-baseline", "MainHandler, idle (baseline)"},
				{"key-main", "MainHandler, under load"}, failedKey, windowKey},
			Panels: panels(cs.gantt, nil),
		},
		{
			ID: "latency", Title: "MainHandler latency by send time",
			Desc: "Each MainHandler request's latency, measured from the time it was due, against that time (of requests closer than a pixel, the slowest). " +
				"Behind a blocked loop they form a falling ramp: a request sent t into the block waits for the rest of it.",
			Legend: []htmlKey{{"key-dot-main-baseline", "idle (baseline)"}, {"key-dot-main", "under load"},
				{"key-cross", "failed"}, limitKey, windowKey},
			Panels: panels(cs.latencyBySendTime, maxLatencyCaption),
		},
		{
			ID: "percentiles", Title: "Latency distribution by percentile",
			Desc: "Latency at each percentile, read from the HDR histogram of each endpoint and phase (of every run together, for --repeat): " +
				"the x axis spreads the tail (1/(1-p), log scale) and the y axis is logarithmic, so idle microseconds and loaded seconds show on one chart.",
			Legend: []htmlKey{{"key-line-main-baseline", "MainHandler idle"}, {"key-line-main", "MainHandler loaded"},
				{"key-line-main-u", "MainHandler loaded, from the actual send (-U)"}, {"key-line-complex", "ComplexHandler loaded"}},
			Panels: panels(cs.percentiles, nil),
		},
		{
			ID: "loop", Title: "Event loop lag",
			Desc: "The embedded target's loop runs a heartbeat every 10ms; each dot is one beat and how late it ran. " +
				"A blocked loop runs no beat until it is free, then one very late beat: the shaded triangle is the time it was stuck.",
			Legend: []htmlKey{{"key-dot-lag", "heartbeat"}, {"key-stall", "loop stuck"},
				{"key-limit", "starvation threshold"}, windowKey},
			Panels: panels(cs.loopLag, slowestCaption),
		},
	}
	return charts
}

func maxLatencyCaption(r *report.Report) (string, string) {
	s := r.Endpoints.Main.Loaded
	if !s.HasLatencies() {
		return "No MainHandler probe under load was answered.", ""
	}
	return "Longest wait " + report.FormatMs(s.MaxMs) + ".", fmt.Sprintf("Under load p50 %s, p99 %s; idle p99 %s.",
		report.FormatMs(s.P50Ms), report.FormatMs(s.P99Ms), report.FormatMs(r.Endpoints.Main.Baseline.P99Ms))
}

func slowestCaption(r *report.Report) (string, string) {
	l := r.Loop
	if l == nil {
		return "", ""
	}
	return "Slowest callback " + report.SlowestCallback(l, false) + ".", fmt.Sprintf("Lag p99 %s, max %s; loop busy %.0f%% of the run; longest queue %d.",
		report.FormatMs(l.LagP99Ms), report.FormatMs(l.LagMaxMs), 100*l.BusyFraction, l.LongestQueue)
}
