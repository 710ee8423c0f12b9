package report

import (
	"fmt"
	"sort"
)

// Explanation says in plain words what a run measured: what blocked the
// loop and for how long, how many probes waited and the longest wait, and
// which fix the measurement points to. It is built from the run's own
// numbers (run --explain; "explanation" in the JSON).
type Explanation struct {
	LoopBlocked bool    `json:"loop_blocked"`
	Culprit     string  `json:"culprit,omitempty"`
	CulpritMs   float64 `json:"culprit_ms,omitempty"`
	// CulpritAt is the line of the server's code that held the loop, as a
	// loop agent saw it: "examples/tornado/server.py:75 `time.sleep(self.delay)`".
	CulpritAt     string   `json:"culprit_at,omitempty"`
	ProbesWaited  int      `json:"probes_waited"`
	Probes        int      `json:"probes"`
	LongestWaitMs float64  `json:"longest_wait_ms"`
	Stalled       int      `json:"stalled"`
	ComplexWaves  int      `json:"complex_waves,omitempty"`
	GILLoopWaitMs float64  `json:"gil_loop_wait_ms,omitempty"`
	Suggestion    string   `json:"suggestion"`
	Sentences     []string `json:"sentences"`
}

// Explain builds the explanation of r.
func Explain(r *Report) *Explanation {
	e := &Explanation{Probes: r.Verdict.Probes, Stalled: r.Verdict.Stalled, LongestWaitMs: r.Endpoints.Main.Loaded.MaxMs,
		ComplexWaves: waves(r)}
	if r.Loop != nil {
		e.explainLoop(r.Loop, r.Verdict.ThresholdMs)
	}
	e.explainProbes(r)
	if e.ComplexWaves > 1 {
		e.say("ComplexHandler answers came in %d waves (the slowest after %s): more requests were in flight than workers, so the rest queued for a free worker.",
			e.ComplexWaves, FormatMs(r.Endpoints.Complex.Loaded.MaxMs))
	}
	e.Suggestion = suggest(r, e)
	e.say("%s", e.Suggestion)
	return e
}

// say adds a sentence.
func (e *Explanation) say(format string, a ...any) {
	e.Sentences = append(e.Sentences, fmt.Sprintf(format, a...))
}

// explainLoop says whether the loop was blocked, by its slowest callback or
// by the GIL, judged by the starvation threshold th.
func (e *Explanation) explainLoop(l *Loop, th float64) {
	e.Culprit, e.CulpritMs = l.SlowestHandler, l.SlowestCallbackMs
	e.LoopBlocked = l.SlowestCallbackMs > th
	if l.FromAgent() {
		e.explainAgentLoop(l)
		return
	}
	gilBound := l.GIL != nil && l.GIL.LoopWaitMaxMs > th/2
	switch {
	case gilBound && !e.LoopBlocked:
		e.LoopBlocked = true
		e.Culprit, e.CulpritMs = "the GIL", l.GIL.LoopWaitMaxMs
		e.say("The event loop's own callbacks were short (the slowest, in %s, took %s), but before each one the loop had to win the GIL back from threads that were computing: it waited up to %s at a time, and its heartbeat ran up to %s late.",
			l.SlowestHandler, FormatMs(l.SlowestCallbackMs), FormatMs(l.GIL.LoopWaitMaxMs), FormatMs(l.LagMaxMs))
	case e.LoopBlocked:
		e.say("The event loop was blocked: one %s callback ran for %s without returning, and nothing else could run meanwhile (the loop was busy %.0f%% of the run; its heartbeat ran up to %s late).",
			l.SlowestHandler, FormatMs(l.SlowestCallbackMs), 100*l.BusyFraction, FormatMs(l.LagMaxMs))
	default:
		e.say("The event loop stayed free: its longest callback (%s) took %s, and its heartbeat was at most %s late.",
			l.SlowestHandler, FormatMs(l.SlowestCallbackMs), FormatMs(l.LagMaxMs))
	}
	if g := l.GIL; g != nil {
		e.GILLoopWaitMs = g.LoopWaitMs
		e.say("In all the loop waited %s to win the GIL back (at most %s at once; %d forced switches).",
			FormatMs(g.LoopWaitMs), FormatMs(g.LoopWaitMaxMs), g.ForcedSwitches)
	}
}

// explainAgentLoop says what a loop agent saw: the slowest stall, its
// handler and its line, or a loop that stayed free.
func (e *Explanation) explainAgentLoop(l *Loop) {
	s, ok := l.SlowestStall()
	switch {
	case !l.Answered():
		e.say("The loop agent never answered, so nothing says what the server's event loop did.")
	case !ok:
		e.say("The loop agent saw no stall over %s: the server's event loop stayed free (its heartbeat was at most %s late).",
			ShortMs(l.ThresholdMs), FormatMs(l.LagMaxMs))
	case e.LoopBlocked:
		e.CulpritAt = StallPlace(s, false)
		who := StallCulprit(s)
		if who == "" {
			who = "code the agent could not name"
		}
		e.say("The server's event loop was blocked: %s held it for %s without returning, and nothing else could run meanwhile (%s over %s in the run; the loop was stalled %.0f%% of it).",
			who, FormatMs(s.DurationMs), plural(l.StallsOver, "stall"), ShortMs(l.ThresholdMs), 100*l.BusyFraction)
	default:
		e.say("The server's event loop stalled only briefly: the longest stall, in %s, took %s.", StallCulprit(s), FormatMs(s.DurationMs))
	}
}

// explainProbes says how many MainHandler probes under load waited beyond
// the idle p99 plus the threshold, and how many got no answer.
func (e *Explanation) explainProbes(r *Report) {
	base, loaded, th := r.Endpoints.Main.Baseline, r.Endpoints.Main.Loaded, r.Verdict.ThresholdMs
	limit := base.P99Ms + th
	recorded := 0 // probes whose records were kept (of the first run, for --repeat)
	for _, q := range r.Requests {
		if q.Endpoint == EndpointMain && q.Phase == PhaseLoaded && q.Repeat <= 1 {
			recorded++
			if q.LatencyMs > limit && q.Status != 0 {
				e.ProbesWaited++
			}
		}
	}
	switch {
	case e.Probes == 0:
		e.say("No MainHandler probe under load completed, so there is nothing to judge.")
	case e.ProbesWaited > 0:
		of := fmt.Sprintf("%d of %d MainHandler probes sent under load", e.ProbesWaited, e.Probes)
		if recorded != e.Probes {
			of = fmt.Sprintf("%d of the %d MainHandler probes recorded (of %d sent under load)", e.ProbesWaited, recorded, e.Probes)
		}
		e.say("%s waited more than %s (idle p99 %s plus the %s threshold) for their answer; the longest waited %s, against %s idle.",
			of, FormatMs(limit), FormatMs(base.P99Ms), FormatMs(th), FormatMs(e.LongestWaitMs), FormatMs(base.P99Ms))
	case e.Stalled == 0:
		e.say("All %d MainHandler probes under load were answered within %s of the idle p99 (%s); the longest took %s.",
			e.Probes, FormatMs(th), FormatMs(base.P99Ms), FormatMs(e.LongestWaitMs))
	case loaded.Answered() > 0:
		e.say("The %d MainHandler probes answered under load came within %s of the idle p99 (%s); the longest took %s.",
			loaded.Answered(), FormatMs(th), FormatMs(base.P99Ms), FormatMs(e.LongestWaitMs))
	}
	if e.Stalled > 0 {
		e.say("%d of %d probes got no answer at all after waiting more than %s (they timed out, or the run was cut short).",
			e.Stalled, e.Probes, FormatMs(limit))
	}
}

// suggest names the fix the measurement points to.
func suggest(r *Report, e *Explanation) string {
	c := r.Config
	starved := r.Verdict.Starved
	switch {
	case !r.Verdict.Conclusive:
		return "Nothing to judge: " + InconclusiveReason(r.Verdict) + ". Fix that, and run again."
	case r.Target != TargetEmbedded && starved && e.CulpritAt != "":
		return "The call at " + e.CulpritAt + " blocks the server's event loop: await a non-blocking version of it, or run it in an executor."
	case r.Target != TargetEmbedded && starved:
		return "Something on the server's event loop blocks it while ComplexHandler runs: find the synchronous call in that handler and await a non-blocking version, or run it in an executor."
	case r.Target != TargetEmbedded:
		return "The server kept its loop free under this load: no fix needed."
	case starved && c.Work == "cpu" && c.GIL && r.Mode == ModePooled:
		return "The threads take turns on the GIL, so a thread pool does not make Python computation parallel and the loop queues for the lock: move CPU-bound work to a process pool."
	case starved && c.Work == "cpu":
		return "The work is computation, and await does not make computation asynchronous: move it off the loop, to a process pool (or a thread pool where there is no GIL)."
	case starved:
		return "The work waits on blocking I/O on the loop itself: await a non-blocking version of the call (async mode), or hand it to a thread pool (pooled mode)."
	case e.ComplexWaves > 1:
		return fmt.Sprintf("MainHandler was not starved, but ComplexHandler queued for the pool's %d workers: if the work is I/O, a larger pool shortens the queue; if it is computation, more threads will not help.", c.Pool)
	default:
		return "No fix needed: MainHandler was not starved."
	}
}

// waves counts the groups ComplexHandler's answers fell into when more
// requests were in flight than workers: answers more than half a delay apart
// start a new wave (the pooled staircase).
func waves(r *Report) int {
	d := r.Config.ComplexDelayMs
	if d <= 0 || r.Mode != ModePooled || r.Config.Concurrency <= r.Config.Pool {
		return 0
	}
	var lat []float64
	for _, q := range r.Requests {
		if q.Endpoint == EndpointComplex && q.Error == "" {
			lat = append(lat, q.LatencyMs)
		}
	}
	if len(lat) == 0 {
		return 0
	}
	sort.Float64s(lat)
	n := 1
	for i := 1; i < len(lat); i++ {
		if lat[i]-lat[i-1] > d/2 {
			n++
		}
	}
	return n
}
