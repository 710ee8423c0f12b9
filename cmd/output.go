package cmd

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/export"
	"github.com/blockprobe/blockprobe/report/html"
	"github.com/blockprobe/blockprobe/report/text"
)

// Formats a report can be written in.
var formats = []string{"text", "json", "csv", "markdown", "gobench", "html"}

// outputFlags say how and where reports are written, shared by run,
// compare and report.
type outputFlags struct {
	format     string
	output     string
	requests   bool
	noProgress bool
	results    string
	explain    bool
	// timeline ends the text report with the run drawn over time, width
	// columns wide, in colour when color is set (see decideTimeline).
	timeline bool
	width    int
	color    bool
}

// Drawing the timeline without --timeline takes a terminal at least
// autoTimelineWidth columns wide; without a terminal it is drawn
// defaultTimelineWidth columns wide.
const (
	autoTimelineWidth    = 100
	defaultTimelineWidth = 100
)

// registerTimeline adds --timeline, for run.
func (f *outputFlags) registerTimeline(fs *pflag.FlagSet) {
	fs.BoolVar(&f.timeline, "timeline", false, "after the text report, draw the run over time (default: on a terminal at least 100 columns wide, outside CI)")
}

// decideTimeline settles whether the text report ends with the timeline,
// how wide and in what colours. --timeline (given, so set) decides alone;
// without it the timeline is drawn only on a terminal at least
// autoTimelineWidth columns wide, outside CI. Colour needs the report to go
// to a terminal and NO_COLOR to be unset.
func (f *outputFlags) decideTimeline(streams IOStreams, set bool) error {
	f.settleFormat()
	if set && f.timeline && f.format != "text" {
		return usageErrorf("--timeline goes with --format text (the html format draws its own)")
	}
	tty := streams.OutIsTerminal && f.output == ""
	if !set {
		f.timeline = tty && !streams.CI && streams.OutWidth >= autoTimelineWidth
	}
	f.width = defaultTimelineWidth
	if tty && streams.OutWidth > 0 {
		f.width = streams.OutWidth
	}
	f.color = tty && !streams.NoColor
	return nil
}

func (f *outputFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.format, "format", "", "report format: "+strings.Join(formats, ", ")+" (default: from --output's extension, else text)")
	fs.StringVarP(&f.output, "output", "o", "", "write the report to this file (atomically) instead of stdout")
	fs.BoolVar(&f.requests, "requests", false, "with --format csv: one row per request instead of per endpoint and phase")
	fs.BoolVar(&f.noProgress, "no-progress", false, "no progress bars (they are off anyway in CI and without a terminal)")
	fs.BoolVar(&f.explain, "explain", false, "after the text report, explain in plain words what this run measured")
}

// registerResults adds --results, for the commands that measure.
func (f *outputFlags) registerResults(fs *pflag.FlagSet) {
	fs.StringVar(&f.results, "results", "", "stream every request record to this NDJSON file as it completes (blockprobe report renders it)")
}

// formatByExtension is the format --output's extension names, when
// --format is not given: -o report.json writes JSON, not text.
var formatByExtension = map[string]string{
	".json": "json", ".csv": "csv", ".md": "markdown", ".markdown": "markdown",
	".html": "html", ".htm": "html", ".txt": "text",
}

// settleFormat gives --format its value when it was not given: the one
// --output's extension names, else text.
func (f *outputFlags) settleFormat() {
	if f.format == "" {
		f.format = formatByExtension[strings.ToLower(filepath.Ext(f.output))]
	}
	if f.format == "" {
		f.format = "text"
	}
}

// validate checks the flags before anything is measured, so a bad --output
// fails at once, not after minutes of measurement.
func (f *outputFlags) validate() error {
	f.settleFormat()
	if !slices.Contains(formats, f.format) {
		return usageErrorf("--format %q: want one of %s", f.format, strings.Join(formats, ", "))
	}
	if f.requests && f.format != "csv" {
		return usageErrorf("--requests goes with --format csv")
	}
	if f.explain && !slices.Contains([]string{"text", "json", "html"}, f.format) {
		return usageErrorf("--explain goes with --format text, json or html (json and html carry the explanation always)")
	}
	if f.output != "" {
		if err := report.CheckWritable(f.output); err != nil {
			return usageErrorf("--output: %v", err)
		}
	}
	return nil
}

// write renders runs in the chosen format to --output (atomically) or to
// out. compare says whether the runs come from compare: its JSON is
// {"runs": [...]} and its text one side-by-side table.
func (f *outputFlags) write(out, errOut io.Writer, runs []*report.Report, compare bool) error {
	render := func(w io.Writer) error { return f.render(w, runs, compare) }
	if f.output == "" {
		if err := render(out); err != nil {
			return withCode(ExitOutput, fmt.Errorf("write the report: %w", err))
		}
		return nil
	}
	if err := report.WriteFileAtomic(f.output, render); err != nil {
		return withCode(ExitOutput, err)
	}
	for _, r := range runs {
		fmt.Fprintf(errOut, "%s: %s\n", r.Name(), report.Headline(r))
	}
	fmt.Fprintf(errOut, "report written to %s\n", f.output)
	return nil
}

// render writes runs in the chosen format to w.
func (f *outputFlags) render(w io.Writer, runs []*report.Report, compare bool) error {
	switch {
	case f.format == "json" && compare:
		return report.WriteCompareJSON(w, runs)
	case f.format == "json":
		return report.WriteJSON(w, runs[0])
	case f.format == "csv" && f.requests:
		return export.WriteRequestsCSV(w, runs)
	case f.format == "csv":
		return export.WriteCSV(w, runs)
	case f.format == "markdown":
		return export.WriteMarkdown(w, runs)
	case f.format == "gobench":
		return export.WriteGobench(w, runs)
	case f.format == "html":
		return html.WriteHTML(w, runs)
	case compare:
		return f.writeCompareText(w, runs)
	default:
		return f.writeText(w, runs[0])
	}
}

// writeCompareText writes runs side by side, each explained after the
// table with --explain.
func (f *outputFlags) writeCompareText(w io.Writer, runs []*report.Report) error {
	if err := text.WriteCompareText(w, runs); err != nil || !f.explain {
		return err
	}
	for _, r := range runs {
		fmt.Fprintf(w, "\n%s:", r.Name())
		if err := text.WriteExplanation(w, r); err != nil {
			return err
		}
	}
	return nil
}

// writeText writes one run, explained with --explain and drawn over time
// with the timeline.
func (f *outputFlags) writeText(w io.Writer, r *report.Report) error {
	if err := text.WriteText(w, r); err != nil {
		return err
	}
	if f.explain {
		if err := text.WriteExplanation(w, r); err != nil {
			return err
		}
	}
	if !f.timeline {
		return nil
	}
	fmt.Fprintln(w)
	return text.WriteTimeline(w, r, f.width, f.color)
}
