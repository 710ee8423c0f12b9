package cmd

import (
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
	l := &report.Loop{
		WindowMs: st.WindowMs, Callbacks: st.Callbacks,
		SlowestCallbackMs: st.SlowestCallbackMs, SlowestHandler: st.SlowestHandler, SlowestStillRunning: st.SlowestStillRunning,
		LagP50Ms: st.LagP50Ms, LagP99Ms: st.LagP99Ms, LagMaxMs: st.LagMaxMs,
		BusyFraction: st.BusyFraction, LongestQueue: st.LongestQueue,
	}
	if p := st.Pool; p != nil {
		l.Pool = &report.Pool{Size: p.Size, Busy: p.Busy, MaxBusy: p.MaxBusy, Queued: p.Queued,
			LongestQueue: p.LongestQueue, Completed: p.Completed}
	}
	if g := st.GIL; g != nil {
		l.GIL = &report.GIL{SwitchIntervalMs: g.SwitchIntervalMs, Acquisitions: g.Acquisitions,
			ForcedSwitches: g.ForcedSwitches, LoopWaitMs: g.LoopWaitMs, LoopWaitMaxMs: g.LoopWaitMaxMs}
	}
	return l
}

func lagSamples(in []target.LagSample) []report.LagSample {
	if in == nil {
		return nil
	}
	out := make([]report.LagSample, len(in))
	for i, s := range in {
		out[i] = report.LagSample{AtMs: s.AtMs, LagMs: s.LagMs}
	}
	return out
}
