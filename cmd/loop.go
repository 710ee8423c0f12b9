package cmd

import (
	"math"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/target"
)

// The report owns the JSON of the loop figures; the embedded target has its
// own types for them. They meet here, once, field by field, so that a field
// renamed in the target breaks the build instead of the report's contract.

// loopOf reads the loop figures and heartbeats of the embedded target srv
// for the report of the run it served; nil for an external target.
func loopOf(srv *target.Server) (*report.Loop, []report.LagSample) {
	if srv == nil {
		return nil, nil
	}
	return loopFigures(srv.Stats()), lagSamples(srv.Loop().LagSamples())
}

func loopFigures(st target.LoopStats) *report.Loop {
	ms := report.RoundMs
	l := &report.Loop{
		WindowMs: ms(st.WindowMs), Callbacks: st.Callbacks,
		SlowestCallbackMs: ms(st.SlowestCallbackMs), SlowestHandler: st.SlowestHandler, SlowestStillRunning: st.SlowestStillRunning,
		LagP50Ms: ms(st.LagP50Ms), LagP99Ms: ms(st.LagP99Ms), LagMaxMs: ms(st.LagMaxMs),
		// A share of the window: to one part in 10,000, beyond which the
		// window's own edges blur it.
		BusyFraction: math.Round(st.BusyFraction*1e4) / 1e4, LongestQueue: st.LongestQueue,
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
