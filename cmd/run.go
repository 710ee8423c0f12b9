package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/blockprobe/blockprobe/probe"
	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/target"
)

// RunOptions are the options of `blockprobe run`.
type RunOptions struct {
	IO      IOStreams
	Command string // the command line, recorded in the report

	Target      targetFlags
	TargetURL   string
	MainPath    string
	ComplexPath string

	Baseline        int
	Concurrency     int
	Duration        time.Duration
	Rate            float64
	Timeout         time.Duration
	StarveThreshold time.Duration
	MaxRequests     int
	ProbeConns      int

	Format     string
	Output     string
	NoProgress bool
	Expect     string
}

// Formats run can write.
var runFormats = []string{"text", "json"}

// NewCmdRun builds `blockprobe run`.
func NewCmdRun(io IOStreams) *cobra.Command {
	o := &RunOptions{IO: io}
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

Exit codes: 0 done (and --expect met), 1 --expect not met, 2 bad usage,
3 target unreachable or nothing could be judged, 130 interrupted (the partial
report is still printed).`,
		Example: `  blockprobe run --mode blocking
  blockprobe run --mode async --complex-delay 1s --format json | jq .verdict
  blockprobe run --mode pooled --pool 5 --concurrency 10 --output pooled.json --format json
  blockprobe run --target http://127.0.0.1:8888 --duration 10s --expect not-starved`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			o.Command = "blockprobe " + strings.Join(os.Args[1:], " ")
			o.Target.mode = strings.TrimSpace(o.Target.mode)
			return o.Run(c.Context(), c.Flags().Changed("duration"))
		},
	}
	f := c.Flags()
	o.Target.register(f, true)
	f.StringVar(&o.TargetURL, "target", "", "probe this external server (base URL) instead of the embedded target")
	f.StringVar(&o.MainPath, "main-path", target.MainPath, "MainHandler's path on the target")
	f.StringVar(&o.ComplexPath, "complex-path", target.ComplexPath, "ComplexHandler's path on the target")
	f.IntVar(&o.Baseline, "baseline", probe.DefaultBaseline, "MainHandler requests sent one by one on the idle target")
	f.IntVar(&o.Concurrency, "concurrency", probe.DefaultConcurrency, "ComplexHandler requests kept in flight during the load window")
	f.DurationVar(&o.Duration, "duration", 0, "load window (default: one --complex-delay on the embedded target, 10s on an external one)")
	f.Float64Var(&o.Rate, "rate", probe.DefaultRate, "MainHandler probes per second under load (open loop)")
	f.DurationVar(&o.Timeout, "timeout", probe.DefaultTimeout, "per-request timeout")
	f.DurationVar(&o.StarveThreshold, "starve-threshold", probe.DefaultStarveThreshold, "how far MainHandler's p99 may rise above idle before it counts as starved")
	f.IntVar(&o.ProbeConns, "probe-conns", 0, "cap on MainHandler probes in flight (0: none); a cap shows what coordinated omission hides")
	f.IntVar(&o.MaxRequests, "max-requests", probe.DefaultMaxRequests, "cap on the number of requests in the run")
	f.StringVar(&o.Format, "format", "text", "report format: "+strings.Join(runFormats, ", "))
	f.StringVarP(&o.Output, "output", "o", "", "write the report to this file (atomically) instead of stdout")
	f.BoolVar(&o.NoProgress, "no-progress", false, "no progress bars (they are off anyway in CI and without a terminal)")
	f.StringVar(&o.Expect, "expect", "", "exit 1 unless the verdict is this: starved or not-starved")
	return c
}

// externalDuration is the load window against an external target, where the
// complex delay is not known.
const externalDuration = 10 * time.Second

// Run validates the options, runs the scenario and writes the report.
func (o *RunOptions) Run(ctx context.Context, durationSet bool) error {
	cfg, err := o.validate(durationSet)
	if err != nil {
		return err
	}
	base := strings.TrimRight(o.TargetURL, "/")
	var srv *target.Server
	if o.TargetURL == "" {
		if srv, err = target.Start(cfg); err != nil {
			return withCode(ExitTarget, fmt.Errorf("start the embedded target: %w", err))
		}
		defer shutdownQuietly(srv)
		base = srv.URL()
	}
	opts := o.probeOptions(base)
	var bars *progressBars
	if o.IO.ShowProgress(o.NoProgress) {
		bars = newProgressBars(o.IO.ErrOut)
		opts.Observer = bars
	}
	res, err := probe.Run(ctx, opts)
	if bars != nil {
		bars.Finish()
	}
	if errors.Is(err, probe.ErrUnreachable) {
		return withCode(ExitTarget, err)
	}
	if err != nil {
		return withCode(ExitUsage, err)
	}
	var loop *target.LoopStats
	if srv != nil {
		st := srv.Stats()
		loop = &st
	}
	rep := report.New(o.meta(cfg, res), res, loop)
	if err := o.write(rep); err != nil {
		return withCode(ExitTarget, err)
	}
	return o.outcome(rep)
}

// validate checks every flag before anything runs and fills the defaults
// that depend on other flags.
func (o *RunOptions) validate(durationSet bool) (target.Config, error) {
	cfg, err := o.Target.config(o.Target.mode)
	if err != nil {
		return cfg, err
	}
	if o.TargetURL != "" {
		u, err := url.Parse(o.TargetURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return cfg, usageErrorf("--target %q: want an http(s) URL such as http://127.0.0.1:8888", o.TargetURL)
		}
	}
	for flag, p := range map[string]string{"--main-path": o.MainPath, "--complex-path": o.ComplexPath} {
		if !strings.HasPrefix(p, "/") {
			return cfg, usageErrorf("%s %q must start with /", flag, p)
		}
	}
	if !durationSet {
		o.Duration = externalDuration
		if o.TargetURL == "" {
			o.Duration = max(cfg.ComplexDelay, 100*time.Millisecond)
		}
	}
	switch {
	case o.Baseline < 0:
		return cfg, usageErrorf("--baseline must be >= 0, got %d", o.Baseline)
	case o.Concurrency < 0:
		return cfg, usageErrorf("--concurrency must be >= 0, got %d", o.Concurrency)
	case o.Duration <= 0:
		return cfg, usageErrorf("--duration must be > 0, got %s", o.Duration)
	case o.Rate <= 0 || o.Rate > 1e6:
		return cfg, usageErrorf("--rate must be > 0 and <= 1000000 probes/s, got %g", o.Rate)
	case o.Timeout <= 0:
		return cfg, usageErrorf("--timeout must be > 0, got %s", o.Timeout)
	case o.StarveThreshold < 0:
		return cfg, usageErrorf("--starve-threshold must be >= 0, got %s", o.StarveThreshold)
	case o.ProbeConns < 0:
		return cfg, usageErrorf("--probe-conns must be >= 0, got %d", o.ProbeConns)
	case o.MaxRequests < 1:
		return cfg, usageErrorf("--max-requests must be >= 1, got %d", o.MaxRequests)
	case !contains(runFormats, o.Format):
		return cfg, usageErrorf("--format %q: want one of %s", o.Format, strings.Join(runFormats, ", "))
	case o.Expect != "" && o.Expect != "starved" && o.Expect != "not-starved":
		return cfg, usageErrorf("--expect %q: want starved or not-starved", o.Expect)
	}
	if o.Output != "" {
		if err := report.CheckWritable(o.Output); err != nil {
			return cfg, usageErrorf("--output: %v", err)
		}
	}
	return cfg, nil
}

func (o *RunOptions) probeOptions(base string) probe.Options {
	return probe.Options{
		MainURL:         base + o.MainPath,
		ComplexURL:      base + o.ComplexPath,
		Baseline:        o.Baseline,
		Concurrency:     o.Concurrency,
		Duration:        o.Duration,
		Rate:            o.Rate,
		Timeout:         o.Timeout,
		StarveThreshold: o.StarveThreshold,
		MaxRequests:     o.MaxRequests,
		ProbeConns:      o.ProbeConns,
	}
}

func (o *RunOptions) meta(cfg target.Config, res *probe.Result) report.Meta {
	m := report.Meta{
		Mode:    string(cfg.Mode),
		Target:  report.TargetEmbedded,
		Command: o.Command,
		Config: report.Config{
			Concurrency:       o.Concurrency,
			Rate:              o.Rate,
			Baseline:          o.Baseline,
			DurationMs:        ms(o.Duration),
			TimeoutMs:         ms(o.Timeout),
			StarveThresholdMs: ms(o.StarveThreshold),
			MainPath:          o.MainPath,
			ComplexPath:       o.ComplexPath,
		},
	}
	if o.TargetURL != "" {
		m.Mode, m.Target = "external", o.TargetURL
	} else {
		m.Config.ComplexDelayMs = ms(cfg.ComplexDelay)
		m.Config.Pool = cfg.Pool
		m.Config.Work = string(cfg.Work)
		m.Config.GIL = cfg.GIL
	}
	if n := res.MainLoaded.Count; n < 5 && !res.Partial {
		m.Notes = append(m.Notes, fmt.Sprintf("only %d MainHandler probes under load: raise --rate or --duration for a steadier p99", n))
	}
	return m
}

// write renders the report to --output (atomically) or to stdout.
func (o *RunOptions) write(rep *report.Report) error {
	render := func(w io.Writer) error {
		if o.Format == "json" {
			return report.WriteJSON(w, rep)
		}
		return report.WriteText(w, rep)
	}
	if o.Output == "" {
		return render(o.IO.Out)
	}
	if err := report.WriteFileAtomic(o.Output, render); err != nil {
		return fmt.Errorf("write %s: %w", o.Output, err)
	}
	fmt.Fprintf(o.IO.ErrOut, "%s\nreport written to %s\n", rep.Verdict.Summary, o.Output)
	return nil
}

// outcome maps what was measured to the exit code.
func (o *RunOptions) outcome(rep *report.Report) error {
	v := rep.Verdict
	switch {
	case rep.Partial:
		return withCode(ExitInterrupted, errors.New("interrupted: the report covers what was measured until then"))
	case !v.Conclusive:
		return withCode(ExitTarget, errors.New("no MainHandler probe under load was answered: nothing to judge"))
	case o.Expect == "starved" && !v.Starved, o.Expect == "not-starved" && v.Starved:
		return withCode(ExitExpectation, fmt.Errorf("expected %s, measured: %s", o.Expect, v.Summary))
	}
	return nil
}

func shutdownQuietly(srv *target.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
