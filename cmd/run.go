package cmd

import (
	"context"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/blockprobe/blockprobe/probe"
	"github.com/blockprobe/blockprobe/target"
)

// RunOptions are the options of `blockprobe run`.
type RunOptions struct {
	IO          IOStreams
	Command     string // the command line, recorded in the report
	Target      targetFlags
	Scenario    scenarioFlags
	Output      outputFlags
	TargetURL   string
	MainPath    string
	ComplexPath string
	Expect      []string
	Shard       shardFlags
}

// NewCmdRun builds `blockprobe run`.
func NewCmdRun(streams IOStreams) *cobra.Command {
	o := &RunOptions{IO: streams}
	c := &cobra.Command{
		Use:   "run",
		Short: "Probe one target under load and say whether MainHandler was starved",
		Long: `Run measures MainHandler on an idle target (the baseline), then loads the
target with ComplexHandler requests while MainHandler probes are sent open-loop
at --rate, and reports the latencies and the verdict: was MainHandler starved?

Without --target it starts the embedded event-loop target in --mode; with
--target it probes an external server.

Latency is measured from each probe's scheduled send time, so a stalled
server cannot hide its stall (no coordinated omission); the uncorrected
latency, from the actual send, is shown beside it.

--expect (repeatable) turns the result into the exit code: a verdict
(starved, not-starved) or a threshold such as main.loaded.p99<100ms
(endpoint main|complex, phase baseline|loaded|loaded_uncorrected, statistic
min|p50|p90|p99|max|mean|count|ok|errors, operator < <= > >= == !=).

Exit codes: 0 done (and --expect met), 1 --expect not met, 2 bad usage,
3 target unreachable, failing or nothing to judge, 130 interrupted (the
partial report is still printed).`,
		Example: `  blockprobe run --mode blocking
  blockprobe run --mode async --complex-delay 1s --format json | jq .verdict
  blockprobe run --mode pooled --pool 5 --concurrency 10 --format markdown
  blockprobe run --mode blocking --expect 'main.loaded.p99>1s'
  blockprobe run --mode blocking --complex-delay 1s --timeline
  blockprobe run --mode blocking --format html -o report.html
  blockprobe run --target http://127.0.0.1:8888 --duration 10s --expect not-starved`,
		Args: cobra.NoArgs,
		RunE: measuring(&o.Command, o),
	}
	f := c.Flags()
	o.register(f)
	o.Output.registerResults(f)
	o.Output.registerTimeline(f)
	o.Shard.register(f)
	f.StringSliceVar(&o.Expect, "expect", nil, "exit 1 unless these hold: starved, not-starved or a threshold like main.loaded.p99<100ms (repeatable, comma-separated)")
	return c
}

// register adds the flags that say what to measure and how, shared by run
// and sweep.
func (o *RunOptions) register(f *pflag.FlagSet) {
	o.Target.register(f, true)
	o.Scenario.register(f)
	o.Output.register(f)
	f.StringVar(&o.TargetURL, "target", "", "probe this external server (base URL) instead of the embedded target")
	f.StringVar(&o.MainPath, "main-path", target.MainPath, "MainHandler's path on the target")
	f.StringVar(&o.ComplexPath, "complex-path", target.ComplexPath, "ComplexHandler's path on the target")
}

// Run validates the options, runs the scenario and writes the report.
func (o *RunOptions) Run(ctx context.Context, fs *pflag.FlagSet) error {
	s, err := o.subject(fs)
	if err != nil {
		return err
	}
	if err := o.Shard.resolve(fs, &o.Scenario, s.external()); err != nil {
		return err
	}
	if err := o.Output.decideTimeline(o.IO, fs.Changed("timeline")); err != nil {
		return err
	}
	m := &measurement{io: o.IO, scenario: &o.Scenario, command: o.Command}
	return measureAll(ctx, m, fs, &o.Output, []subject{s}, o.Expect, false)
}

// subject checks the target flags and says what to measure.
func (o *RunOptions) subject(fs *pflag.FlagSet) (subject, error) {
	if err := checkPaths(o.MainPath, o.ComplexPath); err != nil {
		return subject{}, err
	}
	if o.TargetURL != "" {
		if err := checkExternalFlags(fs); err != nil {
			return subject{}, err
		}
		subs, err := parseTargets([]string{o.TargetURL}, o.MainPath, o.ComplexPath)
		if err != nil {
			return subject{}, err
		}
		return subs[0], nil
	}
	if err := checkEmbeddedFlags(fs); err != nil {
		return subject{}, err
	}
	cfg, err := o.Target.config(o.Target.mode)
	if err != nil {
		return subject{}, err
	}
	return subject{label: string(cfg.Mode), embedded: cfg, mainPath: o.MainPath, cplxPath: o.ComplexPath}, nil
}

// embeddedOnlyFlags shape the embedded target and make no sense with --target.
var embeddedOnlyFlags = []string{"mode", "modes", "complex-delay", "pool", "work", "executor", "gil", "switch-interval"}

// externalOnlyFlags make sense only with --target: the embedded target's
// loop is read in-process.
var externalOnlyFlags = []string{"loop-stats"}

// checkExternalFlags refuses flags of the embedded target given with --target.
func checkExternalFlags(fs *pflag.FlagSet) error {
	for _, name := range embeddedOnlyFlags {
		if fs.Changed(name) {
			return usageErrorf("--%s applies to the embedded target only, not with --target", name)
		}
	}
	return nil
}

// checkEmbeddedFlags refuses flags of external targets given without --target.
func checkEmbeddedFlags(fs *pflag.FlagSet) error {
	for _, name := range externalOnlyFlags {
		if fs.Changed(name) {
			return usageErrorf("--%s applies to an external target (--target) only", name)
		}
	}
	return nil
}

func checkPaths(paths ...string) error {
	for i, p := range paths {
		if !strings.HasPrefix(p, "/") {
			flag := []string{"--main-path", "--complex-path"}[i]
			return usageErrorf("%s %q must start with /", flag, p)
		}
	}
	return nil
}

// measurer is the options of a command that measures: run, compare, sweep.
type measurer interface {
	Run(ctx context.Context, flags *pflag.FlagSet) error
}

// measuring is the RunE of a command that measures: it records the command
// line (for the report) in *command, then runs.
func measuring(command *string, m measurer) func(*cobra.Command, []string) error {
	return func(c *cobra.Command, _ []string) error {
		*command = commandLine()
		return m.Run(c.Context(), c.Flags())
	}
}

// commandLine is the command as the user typed it, for the report, with
// its secrets taken out.
func commandLine() string {
	return "blockprobe " + strings.Join(redactArgs(os.Args[1:]), " ")
}

// redactArgs takes the secrets out of a command line: the credentials of
// every URL and the value of every --header (its name stays).
func redactArgs(args []string) []string {
	out := make([]string, len(args))
	header := false
	for i, a := range args {
		switch {
		case header:
			a = redactHeader(a)
		case strings.HasPrefix(a, "--header="):
			a = "--header=" + redactHeader(strings.TrimPrefix(a, "--header="))
		}
		header = a == "--header"
		out[i] = probe.RedactURLs(a)
	}
	return out
}

// redactHeader keeps the name of a --header value, "Name: value".
func redactHeader(h string) string {
	name, _, found := strings.Cut(h, ":")
	if !found {
		return probe.Redacted
	}
	return name + ": " + probe.Redacted
}
