// Package html renders reports as one self-contained HTML page: an
// html/template page with its stylesheet inline and the charts as inline
// SVG drawn in Go. It has no script and refers to no URL, so it renders
// offline, in a CI artifact viewer, and under the Content-Security-Policy
// it declares (nothing may be fetched).
package html

import (
	"bufio"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/blockprobe/blockprobe/report"
)

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
	Stages      *htmlTable // one row per stage of the load, if any
	Shards      *htmlTable // one row per report a merged report was made of
	Loop        []string
	Stalls      *htmlTable // the stalls the loop's figures list, if any
	MoreStalls  string     // how many more there were, shorter
	Notes       []string
	Command     string
	Config      [][2]string
}

// htmlTable is a table of cells; Right says which columns hold numbers.
// A header may have several lines.
type htmlTable struct {
	Caption string // what the table lists, above it
	Header  [][]string
	Right   []bool
	Rows    [][]string
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
		Stages:   stageHTMLTable(r),
		Shards:   shardHTMLTable(r),
		Command:  r.Command,
		Config:   configRows(r),
	}
	run.Word, run.Class, run.Plain = plainVerdict(r)
	if r.Explanation != nil {
		run.Explanation = r.Explanation.Sentences
	} else {
		run.Explanation = report.Explain(r).Sentences
	}
	run.Loop = report.LoopSummaryLines(r)
	if header, right, rows := report.StallTable(r.Loop); header != nil {
		run.Stalls = newHTMLTable(header, right, rows)
		run.MoreStalls = report.MoreStallsLine(r.Loop, len(rows))
	}
	run.Notes = append([]string{report.UncorrectedNote}, report.ErrorLines(r)...)
	run.Notes = append(run.Notes, report.StageVerdictLines(r)...)
	if line := report.LoadSentLine(r); line != "" {
		run.Notes = append(run.Notes, line)
	}
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
	case r.Status == report.StatusFailed:
		return "FAILED", "starved", report.Headline(r) + "."
	case r.Status == report.StatusInconclusive || r.Status == report.StatusInterrupted:
		return strings.ToUpper(string(r.Status)), "inconclusive", report.Headline(r) + "."
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
