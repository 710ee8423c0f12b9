package cmd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/export"
	"github.com/blockprobe/blockprobe/report/text"
)

// DiffOptions are the options of `blockprobe diff`.
type DiffOptions struct {
	IO        IOStreams
	Tolerance string
	Floor     time.Duration
	Format    string
}

// diffFormats are the formats diff writes.
var diffFormats = []string{"text", "markdown", "json"}

// NewCmdDiff builds `blockprobe diff`.
func NewCmdDiff(streams IOStreams) *cobra.Command {
	o := &DiffOptions{IO: streams}
	c := &cobra.Command{
		Use:   "diff OLD.json NEW.json",
		Short: "Compare two saved JSON reports figure by figure and flag regressions",
		Long: `Diff reads two JSON reports (of run or compare), matches their runs by name,
and prints each figure old -> new with its change. A latency that got worse
by more than --tolerance and by more than --floor is a regression, and so is
a verdict that turned to starved. A run found in one file only counts as a
regression too: a run that vanished is not "no change"; so is a run whose
status got worse (ok to failed: its target was down). Exit 1 on any
regression, 0 on none, 2 when a file cannot be read.

--format markdown writes GitHub tables for a job summary; --format json one
object (blockprobe_diff, tolerance, floor_ms, regressions, only, summary,
changes: run, figure, old, new, delta_pct, regression).`,
		Example: `  blockprobe compare --complex-delay 1s --format json -o main.json   # on main
  blockprobe compare --complex-delay 1s --format json -o pr.json     # on the branch
  blockprobe diff main.json pr.json --tolerance 10%
  blockprobe diff main.json pr.json --format markdown >> "$GITHUB_STEP_SUMMARY"`,
		Args: cobra.ExactArgs(2),
		RunE: func(_ *cobra.Command, args []string) error {
			return o.Run(args[0], args[1])
		},
	}
	c.Flags().StringVar(&o.Tolerance, "tolerance", "10%", "how much worse a figure may get before it is a regression (e.g. 10% or 0.1)")
	c.Flags().DurationVar(&o.Floor, "floor", time.Millisecond, "changes smaller than this are noise, never regressions")
	c.Flags().StringVar(&o.Format, "format", "text", "output format: "+strings.Join(diffFormats, ", "))
	return c
}

// Run compares the two files.
func (o *DiffOptions) Run(oldPath, newPath string) error {
	tol, err := parseTolerance(o.Tolerance)
	if err != nil {
		return err
	}
	if o.Floor < 0 {
		return usageErrorf("--floor must be >= 0, got %s", o.Floor)
	}
	if !slices.Contains(diffFormats, o.Format) {
		return usageErrorf("--format %q: want one of %s", o.Format, strings.Join(diffFormats, ", "))
	}
	older, err := readDocument(oldPath, o.IO.ErrOut)
	if err != nil {
		return err
	}
	newer, err := readDocument(newPath, o.IO.ErrOut)
	if err != nil {
		return err
	}
	changes, only := report.Diff(older.Runs, newer.Runs, tol, ms(o.Floor))
	if len(changes) == 0 {
		return usageErrorf("%s and %s have no run in common (runs are matched by name): nothing to compare", oldPath, newPath)
	}
	switch o.Format {
	case "markdown":
		err = export.WriteDiffMarkdown(o.IO.Out, changes, only)
	case "json":
		err = report.WriteDiffJSON(o.IO.Out, tol, ms(o.Floor), changes, only)
	default:
		err = text.WriteDiff(o.IO.Out, changes, only)
	}
	if err != nil {
		return withCode(ExitOutput, err)
	}
	var failed []string
	if n := report.Regressions(changes); n > 0 {
		failed = append(failed, fmt.Sprintf("%d regressions beyond %s", n, o.Tolerance))
	}
	if len(only) > 0 {
		failed = append(failed, report.DiffOnlyLine(only))
	}
	if len(failed) > 0 {
		return withCode(ExitExpectation, errors.New(strings.Join(failed, "; ")))
	}
	return nil
}

// parseTolerance reads "10%" or "0.1".
func parseTolerance(s string) (float64, error) {
	v, pct := strings.CutSuffix(strings.TrimSpace(s), "%")
	f, err := strconv.ParseFloat(v, 64)
	if pct {
		f /= 100
	}
	if err != nil || !(f >= 0 && f <= 100) { // rejects NaN too
		return 0, usageErrorf("--tolerance %q: want a fraction such as 0.1 or a percentage such as 10%%", s)
	}
	return f, nil
}

// readDocument reads a saved report file, and warns on errOut of what is
// wrong with it but did not stop it from being read.
func readDocument(path string, errOut io.Writer) (*report.Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usageErrorf("%v", err)
	}
	defer f.Close()
	doc, err := report.ReadDocument(f)
	if err != nil {
		return nil, usageErrorf("%s: %v", path, err)
	}
	for _, w := range doc.Warnings {
		fmt.Fprintf(errOut, "blockprobe: warning: %s: %s\n", path, w)
	}
	return doc, nil
}
