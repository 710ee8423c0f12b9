package cmd

import (
	"context"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/blockprobe/blockprobe/target"
)

// CompareOptions are the options of `blockprobe compare`.
type CompareOptions struct {
	IO          IOStreams
	Command     string
	Target      targetFlags
	Scenario    scenarioFlags
	Output      outputFlags
	Modes       []string
	Targets     []string
	MainPath    string
	ComplexPath string
	Expect      []string
}

// NewCmdCompare builds `blockprobe compare`.
func NewCmdCompare(streams IOStreams) *cobra.Command {
	o := &CompareOptions{IO: streams}
	c := &cobra.Command{
		Use:   "compare",
		Short: "Run the same scenario on several modes or targets, side by side",
		Long: `Compare runs the run scenario on each embedded mode (--modes), or on each
external server (--target, repeatable, URL or name=URL), one after another,
and prints one side-by-side table.

--expect takes verdicts per run (blocking=starved,async=not-starved) and
thresholds, for every run (main.loaded.p99<100ms) or one (async:main.loaded.p99<10ms).

Exit codes: 0 done (and --expect met), 1 --expect not met, 2 bad usage,
3 a target unreachable, failing or nothing to judge, 130 interrupted (the
runs measured so far are still printed).`,
		Example: `  blockprobe compare --complex-delay 1s
  blockprobe compare --complex-delay 300ms --expect blocking=starved,async=not-starved,pooled=not-starved
  blockprobe compare --format markdown >> "$GITHUB_STEP_SUMMARY"
  blockprobe compare --target before=http://127.0.0.1:8001 --target after=http://127.0.0.1:8002 --duration 5s`,
		Args: cobra.NoArgs,
		RunE: measuring(&o.Command, o),
	}
	f := c.Flags()
	o.Target.register(f, false)
	o.Scenario.register(f)
	o.Output.register(f)
	o.Output.registerResults(f)
	f.StringSliceVar(&o.Modes, "modes", []string{"blocking", "async", "pooled"}, "embedded modes to compare")
	f.StringArrayVar(&o.Targets, "target", nil, "an external server to compare, URL or name=URL (repeatable)")
	f.StringVar(&o.MainPath, "main-path", target.MainPath, "MainHandler's path on the targets")
	f.StringVar(&o.ComplexPath, "complex-path", target.ComplexPath, "ComplexHandler's path on the targets")
	f.StringSliceVar(&o.Expect, "expect", nil, "exit 1 unless these hold: RUN=starved|not-starved, or thresholds like main.loaded.p99<100ms (repeatable, comma-separated)")
	return c
}

// Run validates the options, measures every subject and writes the table.
func (o *CompareOptions) Run(ctx context.Context, fs *pflag.FlagSet) error {
	subs, err := o.subjects(fs)
	if err != nil {
		return err
	}
	m := &measurement{io: o.IO, scenario: &o.Scenario, command: o.Command}
	return measureAll(ctx, m, fs, &o.Output, subs, o.Expect, true)
}

func (o *CompareOptions) subjects(fs *pflag.FlagSet) ([]subject, error) {
	if err := checkPaths(o.MainPath, o.ComplexPath); err != nil {
		return nil, err
	}
	if len(o.Targets) > 0 {
		if err := checkExternalFlags(fs); err != nil {
			return nil, err
		}
		if len(o.Targets) > 1 && fs.Changed("loop-stats") {
			return nil, usageErrorf("--loop-stats names one agent, and there are %d targets: serve each agent at TARGET/debug/loop, where compare looks", len(o.Targets))
		}
		return parseTargets(o.Targets, o.MainPath, o.ComplexPath)
	}
	if err := checkEmbeddedFlags(fs); err != nil {
		return nil, err
	}
	if len(o.Modes) == 0 {
		return nil, usageErrorf("--modes: name at least one of blocking, async, pooled")
	}
	var subs []subject
	seen := map[string]bool{}
	for _, mode := range o.Modes {
		mode = strings.TrimSpace(mode)
		if _, err := target.ParseMode(mode); err != nil {
			return nil, usageErrorf("--modes: %v", err)
		}
		cfg, err := o.Target.config(mode)
		if err != nil {
			return nil, err
		}
		if seen[mode] {
			return nil, usageErrorf("--modes names %s twice", mode)
		}
		seen[mode] = true
		subs = append(subs, subject{label: mode, embedded: cfg, mainPath: o.MainPath, cplxPath: o.ComplexPath})
	}
	return subs, nil
}
