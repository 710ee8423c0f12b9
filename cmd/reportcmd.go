package cmd

import (
	"github.com/spf13/cobra"
)

// ReportOptions are the options of `blockprobe report`.
type ReportOptions struct {
	IO     IOStreams
	Output outputFlags
}

// NewCmdReport builds `blockprobe report`.
func NewCmdReport(streams IOStreams) *cobra.Command {
	o := &ReportOptions{IO: streams}
	c := &cobra.Command{
		Use:   "report FILE",
		Short: "Render a saved JSON report again, in any format",
		Long: `Report reads a JSON report saved by run or compare (--format json) and writes
it again in --format, without measuring anything.`,
		Example: `  blockprobe run --mode blocking --format json -o run.json
  blockprobe report run.json
  blockprobe report run.json --format markdown`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := o.Output.decideTimeline(o.IO, c.Flags().Changed("timeline")); err != nil {
				return err
			}
			return o.Run(args[0])
		},
	}
	o.Output.register(c.Flags())
	o.Output.registerTimeline(c.Flags())
	return c
}

// Run renders the file.
func (o *ReportOptions) Run(path string) error {
	if err := o.Output.validate(); err != nil {
		return err
	}
	doc, err := readDocument(path, o.IO.ErrOut)
	if err != nil {
		return err
	}
	return o.Output.write(o.IO.Out, o.IO.ErrOut, doc.Runs, doc.Comparison)
}
