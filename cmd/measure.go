package cmd

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/pflag"

	"github.com/blockprobe/blockprobe/probe"
	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/target"
)

// measurement runs the scenario on subjects and builds their reports.
type measurement struct {
	io       IOStreams
	scenario *scenarioFlags
	command  string
	progress bool
	results  string // --results: stream every record to this file
	// lost is the first output that could not be written in full (the
	// results stream), reported after the report with exit code 4.
	lost error
}

// measure runs the scenario on s, --repeat times, and returns the report
// (the median of the repeats when there are several). It returns a report
// and no error when interrupted; the report is then partial.
func (m *measurement) measure(ctx context.Context, s subject) (*report.Report, error) {
	var reps []*report.Report
	for i := range m.scenario.repeat {
		if m.scenario.repeat > 1 && m.progress {
			fmt.Fprintf(m.io.ErrOut, "%s: repeat %d of %d\n", s.label, i+1, m.scenario.repeat)
		}
		rep, err := m.once(ctx, s)
		if err != nil {
			return nil, err
		}
		reps = append(reps, rep)
		if rep.Partial {
			break
		}
	}
	if len(reps) == 1 {
		return reps[0], nil
	}
	return report.Aggregate(reps), nil
}

func (m *measurement) once(ctx context.Context, s subject) (*report.Report, error) {
	base := s.url
	var srv *target.Server
	if !s.external() {
		var err error
		if srv, err = target.Start(s.embedded); err != nil {
			return nil, withCode(ExitTarget, fmt.Errorf("start the embedded target: %w", err))
		}
		defer shutdownQuietly(srv)
		base = srv.URL()
	}
	opts := m.scenario.options(base+s.mainPath, base+s.cplxPath)
	if s.external() && opts.LoopStatsURL == "" {
		// Without --loop-stats, a server may serve its agent's document
		// itself (as the embedded target does): one short try.
		if probe.FindLoopAgent(ctx, base+target.DebugPath, opts.Insecure) == nil {
			opts.LoopStatsURL = base + target.DebugPath
		}
	}
	var observers observers
	var bars *progressBars
	if m.progress {
		bars = newProgressBars(m.io.ErrOut)
		observers = append(observers, bars)
	}
	stream, err := m.openResults(s)
	if err != nil {
		return nil, err
	}
	if stream != nil {
		defer stream.close()
		observers = append(observers, stream)
	}
	if len(observers) > 0 {
		opts.Observer = observers
	}
	if srv != nil {
		srv.ResetStats() // the loop's window and lag timeline start with the run
	}
	res, err := probe.Run(ctx, opts)
	if bars != nil {
		bars.Finish()
	}
	switch {
	case errors.Is(err, probe.ErrInvalid):
		return nil, withCode(ExitUsage, optionError(err))
	case err != nil: // unreachable, an unusable answer: the target's side
		return nil, withCode(ExitTarget, err)
	}
	loop, heartbeats := loopOf(srv, res)
	if stream != nil {
		err := stream.w.Finish(res, loop)
		if cerr := stream.f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("write results: %w", cerr)
		}
		if err != nil && m.lost == nil {
			m.lost = fmt.Errorf("--results %s: %w", m.results, err)
		}
	}
	rep := report.New(m.meta(s, res), res, loop)
	rep.LagSamples = heartbeats
	if line := report.LateLine(rep); line != "" {
		fmt.Fprintf(m.io.ErrOut, "blockprobe: %s\n", line)
	}
	return rep, nil
}

func (m *measurement) meta(s subject, res *probe.Result) report.Meta {
	sc := m.scenario
	meta := report.Meta{
		Label:   s.label,
		Mode:    string(s.embedded.Mode),
		Target:  report.TargetEmbedded,
		Command: m.command,
		Config: report.Config{
			Concurrency:       sc.workers(),
			LoadRate:          sc.openRate(),
			Stages:            report.StagePlans(sc.stages.stages),
			Rate:              sc.rate,
			Baseline:          sc.baseline,
			DurationMs:        ms(sc.duration),
			TimeoutMs:         ms(sc.timeout),
			GraceMs:           ms(cmp.Or(sc.grace, sc.timeout)),
			StarveThresholdMs: ms(sc.starveThreshold),
			MainPath:          s.mainPath,
			ComplexPath:       s.cplxPath,
			Shard:             sc.shard.String(),
		},
	}
	if !sc.startAt.IsZero() {
		meta.Config.StartAt = sc.startAt.UTC().Format(time.RFC3339Nano)
	}
	if s.external() {
		meta.Mode, meta.Target = "external", probe.RedactURLs(s.url)
	} else {
		c := s.embedded
		meta.Config.ComplexDelayMs = ms(c.ComplexDelay)
		meta.Config.Pool = c.Pool
		meta.Config.Work = string(c.Work)
		meta.Config.GIL = c.GIL
	}
	if res == nil {
		return meta
	}
	if asked := sc.loadRate; asked > 0 && len(res.Stages) == 0 && res.LoadApplied < 0.9*asked && !res.Partial {
		meta.Notes = append(meta.Notes, fmt.Sprintf("the generator sent %.2f ComplexHandler requests/s of the %g/s asked: the load was lighter than asked", res.LoadApplied, asked))
	}
	if n := res.MainLoaded.Count; n < 5 && !res.Partial {
		raise := "--rate or --duration"
		if total := res.MainBaseline.Count + n + res.ComplexLoaded.Count; total >= sc.maxRequests {
			raise = "--max-requests (the run reached it)"
		}
		meta.Notes = append(meta.Notes, fmt.Sprintf("only %d MainHandler probes under load: raise %s for a steadier p99", n, raise))
	}
	return meta
}

// measureAll is the body of run and compare: it checks the flags they
// share, measures each subject in turn (stopping at an interrupt), writes
// the report and returns the outcome.
func measureAll(ctx context.Context, m *measurement, fs *pflag.FlagSet, out *outputFlags, subs []subject, expect []string, compare bool) error {
	delay := subs[0].embedded.ComplexDelay
	if subs[0].external() {
		delay = -1
	}
	if err := m.scenario.validate(fs, delay); err != nil {
		return err
	}
	if err := out.validate(); err != nil {
		return err
	}
	embedded := false
	for _, s := range subs {
		embedded = embedded || !s.external()
	}
	if err := checkFileLimit(m.scenario, embedded); err != nil {
		return err
	}
	names := make([]string, len(subs))
	for i, s := range subs {
		names[i] = s.label
	}
	exps, err := report.ParseExpectations(expect, names)
	if err != nil {
		return withCode(ExitUsage, err)
	}
	m.progress = m.io.ShowProgress(out.noProgress)
	if m.results = out.results; m.results != "" {
		if len(subs) > 1 || m.scenario.repeat > 1 {
			return usageErrorf("--results streams one run: use it with run, without --repeat")
		}
		if err := report.CheckWritable(m.results); err != nil {
			return usageErrorf("--results: %v", err)
		}
		if out.output != "" && sameFile(out.output, m.results) {
			return usageErrorf("--output and --results name the same file, %s: the report would replace the stream", out.output)
		}
	}
	var runs []*report.Report
	for _, s := range subs {
		rep, err := m.measure(ctx, s)
		if err != nil && codeOf(err) != ExitTarget {
			return err
		}
		if err != nil {
			// A target that is down still gets its report, marked not
			// measured, so a CI job has an artefact that says so; in a
			// comparison it keeps its place and the others' runs are kept.
			// The exit code still says the run failed.
			rep = report.Unmeasured(m.meta(s, nil), err.Error())
		}
		runs = append(runs, rep)
		if rep.Partial {
			break
		}
	}
	err = judge(runs, exps) // before writing: the reports carry their status
	if err := out.write(m.io.Out, m.io.ErrOut, runs, compare); err != nil {
		return err
	}
	if m.lost == nil {
		return err
	}
	// A failed run or an interrupt keeps its code; the lost output is
	// still said. Otherwise the lost output decides: the job must not
	// pass with a truncated artefact.
	if c := codeOf(err); c == ExitTarget || c == ExitInterrupted {
		fmt.Fprintf(m.io.ErrOut, "blockprobe: %v\n", m.lost)
		return err
	}
	return withCode(ExitOutput, m.lost)
}

// sameFile reports whether two paths name one file: the same path once
// cleaned, or, for files that exist, the same file by identity (links).
func sameFile(a, b string) bool {
	if absA, err := filepath.Abs(a); err == nil {
		if absB, err := filepath.Abs(b); err == nil && absA == absB {
			return true
		}
	}
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}

func shutdownQuietly(srv *target.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
}

func ms(d time.Duration) float64 { return report.RoundMs(float64(d) / float64(time.Millisecond)) }
