package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/sweep"
	"github.com/blockprobe/blockprobe/target"
)

// SweepOptions are the options of `blockprobe sweep`: those of run, and
// what to vary, the SLO and the search. Expect holds capacity expectations.
type SweepOptions struct {
	RunOptions
	Vary       string
	FindMax    string
	Between    string
	Resolution string
	SLO        []string

	param      parameter
	values     []float64 // --vary's
	lo, hi     float64   // --between's
	resolution float64
	slo        []report.Expectation
	expect     []sweep.Expectation
}

// sweepFormats are the formats of a sweep.
var sweepFormats = []string{"text", "json", "csv", "markdown", "html"}

// NewCmdSweep builds `blockprobe sweep`.
func NewCmdSweep(streams IOStreams) *cobra.Command {
	o := &SweepOptions{RunOptions: RunOptions{IO: streams}}
	c := &cobra.Command{
		Use:   "sweep",
		Short: "Run the scenario over a range of one parameter and find the capacity under an SLO",
		Long: `Sweep runs the run scenario once per value of one parameter and reports a
row per point, a chart of MainHandler's and ComplexHandler's p99 against the
parameter, and the capacity: the largest value that met the SLO, with the
first that broke it.

--vary NAME=V1,V2,... measures the values given; --find-max NAME --between
LO,HI searches: it doubles from LO while the SLO holds, then bisects down to
--resolution (default 1 for whole numbers, else LO). NAME is concurrency,
load-rate, pool, complex-delay or rate (pool and complex-delay on the
embedded target); the other flags of run apply to every point. A point that
lands within 10% of the SLO's line is measured again, up to three times, and
the majority decides; so is one whose run gave no verdict (the generator
fell behind, say), up to three times before the sweep stops.

--slo (repeatable) is what each point must meet: not-starved (the default)
or a threshold such as main.loaded.p99<50ms. --expect puts a bound on the
capacity, in the unit of the parameter (capacity>=8, capacity>=30ms).

Every point on the embedded target gets a fresh target. Against --target,
the sweep waits between points until GET MAIN-PATH answers within the last
point's idle p99 plus --starve-threshold three times in a row (the server
has drained), for at most --timeout, and stops when the target fails.

Exit codes: 0 done (and --expect met), 1 --expect not met, 2 bad usage,
3 the target failed or did not drain (the points so far are reported),
130 interrupted (the points so far are reported).`,
		Example: `  blockprobe sweep --mode blocking --duration 1s --rate 50 --vary complex-delay=10ms,30ms,100ms,300ms
  blockprobe sweep --mode blocking --duration 1s --rate 50 --find-max complex-delay --between 5ms,500ms --slo 'main.loaded.p99<50ms'
  blockprobe sweep --mode pooled --complex-delay 200ms --find-max concurrency --between 1,32 --slo 'complex.loaded.p99<300ms' --expect 'capacity>=5'
  blockprobe sweep --target http://127.0.0.1:8888 --duration 3s --vary load-rate=5,10,20,40 --format html -o sweep.html`,
		Args: cobra.NoArgs,
		RunE: measuring(&o.Command, o),
	}
	f := c.Flags()
	o.register(f)
	f.StringVar(&o.Vary, "vary", "", "measure each value of a parameter: NAME=V1,V2,... (concurrency, load-rate, pool, complex-delay, rate)")
	f.StringVar(&o.FindMax, "find-max", "", "search for the largest value of this parameter that meets the SLO (with --between)")
	f.StringVar(&o.Between, "between", "", "with --find-max: the range to search, LO,HI (in the parameter's unit)")
	f.StringVar(&o.Resolution, "resolution", "", "with --find-max: stop bisecting when the bounds are this close (default 1 for whole numbers, else LO)")
	f.StringArrayVar(&o.SLO, "slo", nil, "what each point must meet: not-starved (default) or a threshold like main.loaded.p99<50ms (repeatable)")
	f.StringSliceVar(&o.Expect, "expect", nil, "exit 1 unless the capacity meets this, in the parameter's unit: capacity>=8, capacity>=30ms (repeatable)")
	return c
}

// Run validates the options, measures the points and writes the sweep.
func (o *SweepOptions) Run(ctx context.Context, fs *pflag.FlagSet) error {
	if err := o.validate(fs); err != nil {
		return err
	}
	s, err := o.newSweeper(fs)
	if err != nil {
		return err
	}
	runErr := s.run(ctx)
	if err := o.write(s.doc); err != nil {
		return err
	}
	switch {
	case runErr != nil:
		return runErr
	case s.doc.Partial:
		return withCode(ExitInterrupted, errors.New("interrupted: the sweep covers the points measured until then"))
	}
	if unmet := sweep.Unmet(o.expect, s.doc); len(unmet) > 0 {
		return withCode(ExitExpectation, errors.New(strings.Join(unmet, "\n")))
	}
	return nil
}

// validate checks what only a sweep has: the parameter and its values or
// range, the SLO, the expectations and the formats. The scenario's own
// flags are checked at every point (newSweeper).
func (o *SweepOptions) validate(fs *pflag.FlagSet) error {
	var err error
	switch {
	case (o.Vary == "") == (o.FindMax == ""):
		return usageErrorf("give --vary NAME=V1,V2,... or --find-max NAME --between LO,HI")
	case o.Vary != "" && (o.Between != "" || o.Resolution != ""):
		return usageErrorf("--between and --resolution go with --find-max")
	case o.Vary != "":
		o.param, o.values, err = parseVary(o.Vary)
	case o.Between == "":
		return usageErrorf("--find-max %s needs --between LO,HI", o.FindMax)
	default:
		if o.param, err = parameterNamed("--find-max", o.FindMax); err == nil {
			o.lo, o.hi, err = parseBetween(o.param, o.Between)
		}
	}
	if err != nil {
		return err
	}
	if err := o.validateParameter(fs); err != nil {
		return err
	}
	o.resolution = 1
	if !o.param.whole {
		o.resolution = o.lo
	}
	if o.Resolution != "" {
		if o.resolution, err = o.param.value("--resolution", o.Resolution); err != nil {
			return err
		}
	}
	if err := o.parseSLO(); err != nil {
		return err
	}
	for _, raw := range o.Expect {
		e, err := sweep.ParseExpectation(strings.TrimSpace(raw), o.param.unit)
		if err != nil {
			return withCode(ExitUsage, err)
		}
		o.expect = append(o.expect, e)
	}
	o.Output.settleFormat()
	switch {
	case !slices.Contains(sweepFormats, o.Output.format):
		return usageErrorf("--format %q: a sweep is written as one of %s", o.Output.format, strings.Join(sweepFormats, ", "))
	case o.Output.requests || o.Output.explain:
		return usageErrorf("--requests and --explain go with run and compare; a sweep's JSON holds every point's full report")
	}
	return o.Output.validate()
}

// validateParameter refuses a parameter that the other flags contradict.
func (o *SweepOptions) validateParameter(fs *pflag.FlagSet) error {
	p := o.param
	stages := len(o.Scenario.stages.stages) > 0
	switch {
	case fs.Changed(p.name):
		return usageErrorf("--%s is what the sweep varies: leave it out", p.name)
	case p.embedded && o.TargetURL != "":
		return usageErrorf("%s shapes the embedded target: it cannot be varied with --target", p)
	case p.name == "pool" && o.Target.mode != string(target.Pooled):
		return usageErrorf("--pool matters in pooled mode only: add --mode pooled")
	case p.name == "concurrency" && (stages || fs.Changed("load-rate")):
		return usageErrorf("the load is given by --stages or --load-rate: vary those, or leave them out to vary the workers")
	case p.name == "load-rate" && (stages || fs.Changed("concurrency")):
		return usageErrorf("--vary load-rate makes the load open-loop: leave out --stages and --concurrency")
	}
	return nil
}

// parseSLO reads --slo: thresholds of --expect, or not-starved; by default
// not-starved.
func (o *SweepOptions) parseSLO() error {
	if len(o.SLO) == 0 {
		o.SLO = []string{"not-starved"}
	}
	exps, err := report.ParseExpectations(o.SLO, nil)
	if err != nil {
		return usageErrorf("--slo: %v", err)
	}
	for _, e := range exps {
		if e.Run != "" || e.Verdict == "starved" {
			return usageErrorf("--slo %q: want not-starved or a threshold such as main.loaded.p99<50ms", e.Raw)
		}
	}
	o.slo = exps
	o.SLO = o.SLO[:0]
	for _, e := range exps {
		o.SLO = append(o.SLO, e.Raw)
	}
	return nil
}

// write writes the sweep in the chosen format to --output (atomically) or
// to stdout; with --output, the capacity goes to stderr.
func (o *SweepOptions) write(doc *sweep.Sweep) error {
	out := &o.Output
	render := func(w io.Writer) error {
		switch out.format {
		case "json":
			return sweep.WriteJSON(w, doc)
		case "csv":
			return sweep.WriteCSV(w, doc)
		case "markdown":
			return sweep.WriteMarkdown(w, doc)
		case "html":
			return sweep.WriteHTML(w, doc)
		}
		return sweep.WriteText(w, doc, o.IO.OutIsTerminal && out.output == "" && !o.IO.NoColor)
	}
	if out.output == "" {
		if err := render(o.IO.Out); err != nil {
			return withCode(ExitOutput, fmt.Errorf("write the sweep: %w", err))
		}
		return nil
	}
	if err := report.WriteFileAtomic(out.output, render); err != nil {
		return withCode(ExitOutput, err)
	}
	fmt.Fprintf(o.IO.ErrOut, "Capacity: %s\nsweep written to %s\n", doc.Summary, out.output)
	return nil
}
