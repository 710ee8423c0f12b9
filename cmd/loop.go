package cmd

import (
	"math"
	"time"

	"github.com/blockprobe/blockprobe/probe"
	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/target"
)

// The report owns the JSON of the loop figures; the embedded target has its
// own types for them. They meet here, once, field by field, so that a field
// renamed in the target breaks the build instead of the report's contract.

// loopOf reads the loop figures of the run res: the embedded target srv's
// own, with its heartbeats, or what a loop agent said (res.Loop); nil for
// an external target without an agent.
func loopOf(srv *target.Server, res *probe.Result) (*report.Loop, []report.LagSample) {
	switch {
	case srv != nil:
		return embeddedLoop(srv.LoopDoc(), res.Started), lagSamples(srv.Loop().LagSamples())
	case res.Loop != nil:
		return agentLoop(res.Loop, res.Elapsed), nil
	}
	return nil, nil
}

// embeddedLoop converts the embedded target's document, read at the end of
// the run that started at started: its figures, and its stalls (callbacks
// longer than target.StallThreshold) on the run's clock.
func embeddedLoop(doc target.LoopDoc, started time.Time) *report.Loop {
	l := loopFigures(doc.LoopStats)
	l.Source, l.ThresholdMs = report.SourceEmbedded, doc.ThresholdMs
	origin := float64(started.UnixNano()) / 1e6
	for _, s := range doc.Stalls {
		l.Stalls = append(l.Stalls, report.Stall{StartMs: report.RoundMs(s.StartMs - origin), DurationMs: report.RoundMs(s.DurationMs),
			Ongoing: s.Ongoing, Handler: s.Handler, Request: s.Request})
	}
	// The window starts with the run (ResetStats), so every stall counted
	// is the run's; the ring keeps the last of them.
	l.StallsOver, l.MissedStalls = doc.StallsTotal, doc.StallsTotal-len(doc.Stalls)
	return l
}

// agentLoop converts what a loop agent said of a run that lasted elapsed.
// The slowest stall is the slowest callback; without one, the largest lag,
// as the agents say it (agents/README.md). Its words are made printable
// here, as a saved report's are when read: an agent is another program,
// and they end up on terminals, in Markdown and in job summaries.
func agentLoop(w *probe.LoopWatch, elapsed time.Duration) *report.Loop {
	p := report.Printable
	l := &report.Loop{
		Source: report.SourceAgent,
		Agent: &report.LoopAgent{URL: p(w.URL), Format: p(w.Format), Source: p(w.Source), Runtime: p(w.Runtime), Pid: w.Pid,
			ClockOffsetMs: report.RoundMs(w.OffsetMs), ClockUncertaintyMs: report.RoundMs(w.UncertaintyMs), PollEveryMs: ms(w.Every),
			Polls: w.Polls, FailedPolls: w.Failures, Heartbeats: w.Heartbeats},
		WindowMs: ms(elapsed), LagP50Ms: report.RoundMs(w.LagP50Ms), LagP99Ms: report.RoundMs(w.LagP99Ms), LagMaxMs: report.RoundMs(w.LagMaxMs),
		BusyFraction: roundFraction(w.BusyFraction), ThresholdMs: w.ThresholdMs, Lost: p(w.Lost),
		StallsOver: len(w.Stalls) + w.Missed + w.Unkept, MissedStalls: w.Missed,
	}
	for _, s := range w.Stalls {
		st := report.Stall{StartMs: report.RoundMs(s.StartMs), DurationMs: report.RoundMs(s.DurationMs), Ongoing: s.Ongoing, Handler: p(s.Handler), Request: p(s.Request)}
		for _, f := range s.Frames {
			st.Frames = append(st.Frames, report.Frame{File: p(f.File), Line: f.Line, Function: p(f.Function), Code: p(f.Code)})
		}
		l.Stalls = append(l.Stalls, st)
	}
	if s, ok := w.Slowest(); ok {
		l.SlowestCallbackMs, l.SlowestHandler, l.SlowestStillRunning = report.RoundMs(s.DurationMs), p(s.Handler), s.Ongoing
	} else {
		l.SlowestCallbackMs = l.LagMaxMs
	}
	return l
}

func loopFigures(st target.LoopStats) *report.Loop {
	ms := report.RoundMs
	l := &report.Loop{
		WindowMs: ms(st.WindowMs), Callbacks: st.Callbacks,
		SlowestCallbackMs: ms(st.SlowestCallbackMs), SlowestHandler: st.SlowestHandler, SlowestStillRunning: st.SlowestStillRunning,
		LagP50Ms: ms(st.LagP50Ms), LagP99Ms: ms(st.LagP99Ms), LagMaxMs: ms(st.LagMaxMs),
		BusyFraction: roundFraction(st.BusyFraction), LongestQueue: st.LongestQueue,
	}
	if p := st.Pool; p != nil {
		l.Pool = &report.Pool{Size: p.Size, Busy: p.Busy, MaxBusy: p.MaxBusy, Queued: p.Queued,
			LongestQueue: p.LongestQueue, Completed: p.Completed}
	}
	if g := st.GIL; g != nil {
		l.GIL = &report.GIL{SwitchIntervalMs: ms(g.SwitchIntervalMs), Acquisitions: g.Acquisitions,
			ForcedSwitches: g.ForcedSwitches, LoopWaitMs: ms(g.LoopWaitMs), LoopWaitMaxMs: ms(g.LoopWaitMaxMs)}
	}
	return l
}

func lagSamples(in []target.LagSample) []report.LagSample {
	if in == nil {
		return nil
	}
	out := make([]report.LagSample, len(in))
	for i, s := range in {
		out[i] = report.LagSample{AtMs: report.RoundMs(s.AtMs), LagMs: report.RoundMs(s.LagMs)}
	}
	return out
}

// roundFraction rounds a share of the loop's window to one part in 10,000,
// beyond which the window's own edges blur it.
func roundFraction(f float64) float64 { return math.Round(f*1e4) / 1e4 }
