package cmd

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/spf13/pflag"

	"github.com/blockprobe/blockprobe/probe"
	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/sweep"
)

// nearLine is how close to the SLO's line (a share of it) a point's figure
// must land to be measured again: there, one descheduled probe can flip it.
const nearLine = 0.1

// maxRuns is how often a point near the line is measured, at most; the
// majority decides.
const maxRuns = 3

// quietTimes is how many prompt MainHandler answers in a row tell that an
// external target has drained between two points.
const quietTimes = 3

// sweeper measures the points of a sweep, one scenario per value of the
// parameter, and keeps the sweep's document.
type sweeper struct {
	o        *SweepOptions
	fs       *pflag.FlagSet
	base     subject
	progress bool
	doc      *sweep.Sweep
	// last is the last run measured, and lastScenario its scenario: an
	// external target drains from it before the next point.
	last         *report.Report
	lastScenario *scenarioFlags
	lastLabel    string
}

// stopError ends a sweep whose target failed: the points so far are
// reported, with why it stopped, and the exit code is 3.
type stopError struct{ why string }

func (e stopError) Error() string { return e.why }

// errInterrupted ends a sweep on Ctrl-C: the points so far are reported.
var errInterrupted = errors.New("interrupted")

func (o *SweepOptions) newSweeper(fs *pflag.FlagSet) (*sweeper, error) {
	base, err := o.subject(fs)
	if err != nil {
		return nil, err
	}
	s := &sweeper{o: o, fs: fs, base: base, progress: o.IO.ShowProgress(o.Output.noProgress)}
	// Every point is checked before the first is measured: the values of
	// --vary, the ends of --between (what lies between is alike).
	check := o.values
	if o.FindMax != "" {
		check = []float64{o.lo, o.hi}
	}
	for _, v := range check {
		if _, _, err := s.point(v); err != nil {
			return nil, err
		}
	}
	s.doc = &sweep.Sweep{
		Version: sweep.Version, Parameter: o.param.name, Unit: o.param.unit, Search: sweep.SearchVary,
		SLO: o.SLO, Mode: string(base.embedded.Mode), Target: report.TargetEmbedded, Command: o.Command,
		Started: time.Now().Round(0),
	}
	if base.external() {
		s.doc.Mode, s.doc.Target = "external", probe.RedactURLs(base.url)
	}
	if o.FindMax != "" {
		s.doc.Search, s.doc.Between, s.doc.Resolution = sweep.SearchFindMax, []float64{o.lo, o.hi}, o.resolution
	}
	s.doc.Settle()
	return s, nil
}

// point is what to measure at value v of the parameter, checked: the
// subject and the scenario, the run's flags with v in place.
func (s *sweeper) point(v float64) (subject, *scenarioFlags, error) {
	sub, sc := s.base, s.o.Scenario
	s.o.param.apply(&sc, &sub.embedded, v)
	delay := time.Duration(-1)
	if !sub.external() {
		if err := sub.embedded.Validate(); err != nil {
			return sub, nil, optionError(err)
		}
		delay = sub.embedded.ComplexDelay
	}
	if err := sc.validate(s.fs, delay); err != nil {
		return sub, nil, fmt.Errorf("at %s %s: %w", s.o.param.name, s.o.param.unit.Format(v), err)
	}
	if err := checkFileLimit(&sc, !sub.external()); err != nil {
		return sub, nil, err
	}
	return sub, &sc, nil
}

// run measures the points: the values of --vary in turn, or those the
// search picks. It returns the exit error of a target that failed; an
// interrupt marks the document partial.
func (s *sweeper) run(ctx context.Context) error {
	start := time.Now()
	defer func() { s.doc.ElapsedMs = ms(time.Since(start)) }()
	if s.base.external() {
		fmt.Fprintf(s.o.IO.ErrOut, "blockprobe sweep: between points, waiting until GET %s answers within the last point's idle p99 + %s %d times in a row (the target has drained), for at most %s\n",
			probe.RedactURLs(s.base.url+s.base.mainPath), s.o.Scenario.starveThreshold, quietTimes, s.o.Scenario.timeout)
	}
	measure := func(v float64) (bool, error) { return s.measurePoint(ctx, v) }
	var err error
	if s.o.FindMax != "" {
		err = findMax(s.o.lo, s.o.hi, s.o.resolution, s.o.param.whole, measure)
	} else {
		for _, v := range s.o.values {
			if _, err = measure(v); err != nil {
				break
			}
		}
	}
	var stop stopError
	switch {
	case errors.Is(err, errInterrupted):
		s.doc.Partial = true
		return nil
	case errors.As(err, &stop):
		s.doc.Stopped = stop.why
		return withCode(ExitTarget, fmt.Errorf("sweep stopped: %s", stop.why))
	}
	return err
}

// measurePoint measures the point at v, again when it lands near the SLO's
// line, adds it to the document and says whether it met the SLO.
func (s *sweeper) measurePoint(ctx context.Context, v float64) (bool, error) {
	label := s.o.param.name + " " + s.o.param.unit.Format(v)
	var runs []*report.Report
	metRuns, unjudged := 0, 0
	for len(runs) < maxRuns {
		if err := s.drain(ctx); err != nil {
			s.add(v, runs, metRuns)
			return false, err
		}
		if s.progress {
			fmt.Fprintf(s.o.IO.ErrOut, "%s (run %d)\n", label, len(runs)+1)
		}
		rep, err := s.measureOnce(ctx, v)
		switch {
		case err != nil && codeOf(err) == ExitTarget:
			s.add(v, runs, metRuns)
			return false, stopError{fmt.Sprintf("at %s: %v", label, err)}
		case err != nil:
			return false, err
		case rep.Partial:
			s.add(v, runs, metRuns)
			return false, errInterrupted
		}
		if rep.Status != report.StatusOK {
			// A run without a verdict (the generator fell behind, say)
			// places the point nowhere: measure it again, a few times.
			if unjudged++; !rep.Verdict.Conclusive && unjudged < maxRuns {
				continue
			}
			s.add(v, append(runs, rep), metRuns)
			return false, stopError{fmt.Sprintf("at %s the run failed: %s", label, rep.StatusReason)}
		}
		met, margin := s.judge(rep)
		if runs = append(runs, rep); met {
			metRuns++
		}
		n := len(runs)
		if (n == 1 && margin > nearLine) || (n == 2 && metRuns != 1) {
			break // far from the line, or two runs agree
		}
	}
	return s.add(v, runs, metRuns), nil
}

// measureOnce runs the scenario once (or --repeat times) at v.
func (s *sweeper) measureOnce(ctx context.Context, v float64) (*report.Report, error) {
	sub, sc, err := s.point(v)
	if err != nil {
		return nil, err
	}
	m := &measurement{io: s.o.IO, scenario: sc, command: s.o.Command, progress: s.progress}
	rep, err := m.measure(ctx, sub)
	if err == nil {
		s.last, s.lastScenario, s.lastLabel = rep, sc, s.o.param.name+" "+s.o.param.unit.Format(v)
	}
	return rep, err
}

// judge says whether r met every SLO, and how far its figures lie from the
// nearest of their lines (a share of the line).
func (s *sweeper) judge(r *report.Report) (bool, float64) {
	met, margin := true, math.Inf(1)
	for _, e := range s.o.slo {
		ok, _ := e.Check(r)
		met = met && ok
		margin = math.Min(margin, math.Abs(e.Margin(r)))
	}
	return met, margin
}

// add puts the point measured by runs into the document, decided by the
// majority of its runs, and returns whether it met the SLO. Without runs
// it adds nothing.
func (s *sweeper) add(v float64, runs []*report.Report, metRuns int) bool {
	if len(runs) == 0 {
		return false
	}
	met := 2*metRuns > len(runs)
	p := sweep.Point{Value: v, Met: met, Runs: len(runs), MetRuns: metRuns}
	for _, r := range runs {
		if ok, _ := s.judge(r); ok == met && p.Report == nil {
			p.Report = r
		} else {
			p.Repeats = append(p.Repeats, r)
		}
	}
	if p.Report == nil { // a failed run that stopped the sweep
		p.Report, p.Repeats = runs[len(runs)-1], runs[:len(runs)-1]
	}
	s.doc.Add(p)
	if s.progress {
		said := "BROKE the SLO"
		if met {
			said = "met the SLO"
		}
		fmt.Fprintf(s.o.IO.ErrOut, "%s %s: %s\n", s.o.param.name, s.o.param.unit.Format(v), said)
	}
	return met
}

// drain waits, on an external target after a point, until the target
// answers MainHandler within the last run's idle p99 plus the threshold
// quietTimes times in a row, for at most --timeout; first, when requests of
// the last run were abandoned (timed out, cancelled), as long as the
// slowest ComplexHandler request took, since the server may still work on
// them. A target that does not drain, or fails, stops the sweep.
func (s *sweeper) drain(ctx context.Context) error {
	if !s.base.external() || s.last == nil {
		return nil
	}
	sc, last := s.lastScenario, s.last
	c := last.Endpoints.Complex.Loaded
	if c.ErrorsByClass[string(probe.ErrTimeout)]+c.ErrorsByClass[string(probe.ErrCanceled)] > 0 {
		wait := time.NewTimer(min(fromMs(c.MaxMs), sc.timeout))
		select {
		case <-ctx.Done():
			wait.Stop()
			return errInterrupted
		case <-wait.C:
		}
	}
	limit := max(fromMs(last.Endpoints.Main.Baseline.P99Ms)+sc.starveThreshold, time.Millisecond)
	base := s.base.url
	err := probe.WaitQuiet(ctx, sc.options(base+s.base.mainPath, base+s.base.cplxPath), limit, quietTimes, sc.timeout)
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return errInterrupted
	case errors.Is(err, probe.ErrNotQuiet):
		return stopError{fmt.Sprintf("after %s: %v", s.lastLabel, err)}
	}
	return stopError{fmt.Sprintf("the target failed between points: %v", err)}
}

func fromMs(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }
