package cmd

import (
	"github.com/spf13/cobra"

	"github.com/blockprobe/blockprobe/report"
)

// ReportOptions are the options of `blockprobe report` and `blockprobe
// merge`.
type ReportOptions struct {
	IO     IOStreams
	Output outputFlags
	Expect []string
	// merge merges even a single file (blockprobe merge).
	merge bool
}

// NewCmdReport builds `blockprobe report`.
func NewCmdReport(streams IOStreams) *cobra.Command {
	o := &ReportOptions{IO: streams}
	c := &cobra.Command{
		Use:   "report FILE...",
		Short: "Render a saved JSON report again, in any format",
		Long: `Report reads a JSON report saved by run or compare (--format json), or a
results stream (--results), and writes it again in --format, without
measuring anything. Given several files, it merges them into one report as
blockprobe merge does.`,
		Example: `  blockprobe run --mode blocking --format json -o run.json
  blockprobe report run.json
  blockprobe report run.json --format markdown
  blockprobe report shard-0.json shard-1.json shard-2.json`,
	}
	return o.command(c)
}

// command completes c, report or merge, with their shared arguments,
// flags and action.
func (o *ReportOptions) command(c *cobra.Command) *cobra.Command {
	c.Args = cobra.MinimumNArgs(1)
	c.RunE = func(c *cobra.Command, args []string) error {
		if err := o.Output.decideTimeline(o.IO, c.Flags().Changed("timeline")); err != nil {
			return err
		}
		return o.Run(args)
	}
	o.Output.register(c.Flags())
	o.Output.registerTimeline(c.Flags())
	c.Flags().StringSliceVar(&o.Expect, "expect", nil, "exit 1 unless these hold: starved, not-starved or a threshold like main.loaded.p99<100ms (repeatable, comma-separated)")
	return c
}

// Run renders the files: one as it is, several merged into one report.
func (o *ReportOptions) Run(paths []string) error {
	if err := o.Output.validate(); err != nil {
		return err
	}
	runs, comparison, err := readRuns(paths, o.IO.ErrOut, o.merge)
	if err != nil {
		return err
	}
	names := make([]string, len(runs))
	for i, r := range runs {
		names[i] = r.Name()
	}
	exps, err := report.ParseExpectations(o.Expect, names)
	if err != nil {
		return withCode(ExitUsage, err)
	}
	for _, r := range runs {
		r.Expect(exps) // before writing: the report says it failed them
	}
	if err := o.Output.write(o.IO.Out, o.IO.ErrOut, runs, comparison); err != nil {
		return err
	}
	if len(exps) == 0 {
		return nil // a report shown again, not a gate
	}
	// A gate: a run that failed, could not be judged or was interrupted
	// meets no expectation, and exits as run would have.
	return judge(runs, nil)
}
