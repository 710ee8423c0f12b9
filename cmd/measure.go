package cmd

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/blockprobe/blockprobe/probe"
	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/target"
)

// subject is one thing to measure: the embedded target in one configuration,
// or an external server.
type subject struct {
	label    string        // the run's name in reports and expectations
	embedded target.Config // used when url is empty
	url      string        // an external target's base URL
	mainPath string
	cplxPath string
}

func (s subject) external() bool { return s.url != "" }

// parseTargets turns --target values (URL or name=URL) into subjects.
func parseTargets(values []string, mainPath, complexPath string) ([]subject, error) {
	var out []subject
	seen := map[string]bool{}
	for _, v := range values {
		name, raw, found := strings.Cut(v, "=")
		if !found || strings.Contains(name, "/") {
			name, raw = "", v
		}
		u, err := parseTargetURL(raw)
		if err != nil {
			return nil, usageErrorf("--target %q: %v", probe.RedactURLs(v), err)
		}
		if name == "" {
			name = u.Host
		}
		if seen[name] {
			return nil, usageErrorf("--target %q: two targets named %q; name them with name=URL", probe.RedactURLs(v), name)
		}
		seen[name] = true
		out = append(out, subject{label: name, url: strings.TrimRight(raw, "/"), mainPath: mainPath, cplxPath: complexPath})
	}
	return out, nil
}

// parseTargetURL checks a target's base URL: the paths are appended to it,
// so it can carry no query or fragment, and its port must be one.
func parseTargetURL(raw string) (*url.URL, error) {
	if err := probe.CheckURL(raw); err != nil {
		return nil, fmt.Errorf("%w, or name=URL", err)
	}
	u, _ := url.Parse(raw)
	switch {
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#"):
		return nil, errors.New("a base URL takes no query or fragment: the paths are appended to it (put a query in --main-path and --complex-path)")
	}
	return u, probe.CheckURL(raw)
}

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
	var loop *target.LoopStats
	if srv != nil {
		st := srv.Stats()
		loop = &st
	}
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
	if srv != nil {
		rep.LagSamples = srv.Loop().LagSamples()
	}
	return rep, nil
}

// openResults starts the --results stream, or returns nil without one.
func (m *measurement) openResults(s subject) (*resultsStream, error) {
	if m.results == "" {
		return nil, nil
	}
	f, err := os.Create(m.results)
	if err != nil {
		return nil, usageErrorf("--results: %v", err)
	}
	w, err := report.NewResultsWriter(f, m.meta(s, nil), time.Now())
	if err != nil {
		f.Close()
		return nil, withCode(ExitOutput, err)
	}
	return &resultsStream{f: f, w: w}, nil
}

// resultsStream writes every record to the --results file as it completes.
type resultsStream struct {
	f *os.File
	w *report.ResultsWriter
}

func (r *resultsStream) PhaseStarted(probe.Phase, int, time.Duration) {}
func (r *resultsStream) RequestDone(rec probe.Record)                 { r.w.Record(rec) }
func (r *resultsStream) close()                                       { _ = r.f.Close() }

// observers tells each of several observers of a run.
type observers []probe.Observer

func (o observers) PhaseStarted(p probe.Phase, planned int, window time.Duration) {
	for _, x := range o {
		x.PhaseStarted(p, planned, window)
	}
}

func (o observers) RequestDone(r probe.Record) {
	for _, x := range o {
		x.RequestDone(r)
	}
}

func (m *measurement) meta(s subject, res *probe.Result) report.Meta {
	sc := m.scenario
	meta := report.Meta{
		Label:   s.label,
		Mode:    string(s.embedded.Mode),
		Target:  report.TargetEmbedded,
		Command: m.command,
		Config: report.Config{
			Concurrency:       sc.concurrency,
			Rate:              sc.rate,
			Baseline:          sc.baseline,
			DurationMs:        ms(sc.duration),
			TimeoutMs:         ms(sc.timeout),
			StarveThresholdMs: ms(sc.starveThreshold),
			MainPath:          s.mainPath,
			ComplexPath:       s.cplxPath,
		},
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
		if err != nil && (len(subs) == 1 || codeOf(err) != ExitTarget) {
			return err
		}
		if err != nil {
			// One target down does not throw away what the others measured:
			// the comparison keeps its place, marked unmeasured, and the
			// exit code still says the run failed.
			rep = report.Unmeasured(m.meta(s, nil), err.Error())
		}
		runs = append(runs, rep)
		if rep.Partial {
			break
		}
	}
	if err := out.write(m.io.Out, m.io.ErrOut, runs, compare); err != nil {
		return err
	}
	err = outcome(runs, exps)
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

// outcome maps what was measured to the exit code: interrupted (130) before
// a failed run (3) before unmet expectations (1).
func outcome(runs []*report.Report, exps []report.Expectation) error {
	var failed []string
	for _, r := range runs {
		if r.Partial {
			return withCode(ExitInterrupted, errors.New("interrupted: the report covers what was measured until then"))
		}
		if why := failure(r); why != "" {
			failed = append(failed, r.Name()+": "+why)
		}
	}
	if len(failed) > 0 {
		return withCode(ExitTarget, fmt.Errorf("run failed: %s", strings.Join(failed, "; ")))
	}
	if unmet := report.Unmet(exps, runs); len(unmet) > 0 {
		return withCode(ExitExpectation, errors.New(strings.Join(unmet, "\n")))
	}
	return nil
}

// failure says why a run cannot be trusted, or "" when it can. It blames
// blockprobe's own limits before the target's.
func failure(r *report.Report) string {
	rows := []report.StatsJSON{r.Endpoints.Main.Baseline, r.Endpoints.Main.Loaded, r.Endpoints.Complex.Loaded}
	own, conn := 0, 0
	for _, s := range rows {
		for class, n := range s.ErrorsByClass {
			switch {
			case probe.ErrorClass(class).Generators():
				own += n
			case class != string(probe.ErrTimeout) && class != string(probe.ErrCanceled) && !probe.IsStatusKey(class):
				conn += n
			}
		}
	}
	if own > 0 {
		why := r.Verdict.Reason
		if why == "" {
			why = fmt.Sprintf("blockprobe itself failed %d requests (%s)", own, classes(rows...))
		}
		return fmt.Sprintf("no verdict: %s (blockprobe's own limit, not the target's)", why)
	}
	if conn > 0 {
		return fmt.Sprintf("%d requests failed at the connection level (%s): the target failed during the run", conn, classes(rows...))
	}
	c := r.Endpoints.Complex.Loaded
	if !r.Verdict.Conclusive {
		why := "no verdict: " + r.Verdict.Reason
		if c.Errors > 0 && c.OK == 0 {
			why += fmt.Sprintf(" (%s); check --complex-path", classes(c))
		}
		return why
	}
	if m := r.Endpoints.Main.Loaded; m.Count > 0 && m.OK == 0 && m.Answered() > 0 {
		return fmt.Sprintf("none of %d MainHandler probes got a 2xx answer (%s): check --main-path", m.Count, classes(m))
	}
	return ""
}

// classes lists the error classes of rows, added up, e.g.
// "status_404 12, timeout 1".
func classes(rows ...report.StatsJSON) string {
	sum := map[string]int{}
	for _, s := range rows {
		for k, n := range s.ErrorsByClass {
			sum[k] += n
		}
	}
	keys := slices.Sorted(maps.Keys(sum))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, sum[k])
	}
	return strings.Join(parts, ", ")
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

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
