package report

import (
	"fmt"
	"math"
	"time"

	"github.com/blockprobe/blockprobe/probe"
)

// Meta is what a report says about a run beyond its measurements: what was
// probed, how, and what the reader should be warned of.
type Meta struct {
	Mode, Target, Command string
	// Label is the user's name for the run, if any.
	Label  string
	Config Config
	Notes  []string
}

// New builds the report of a summarised run. loop is the embedded target's
// loop instrumentation, nil for an external target; a note then says that
// loop figures are unavailable.
func New(meta Meta, res *probe.Result, loop *Loop) *Report {
	r := &Report{
		Version:   reportVersion,
		Mode:      meta.Mode,
		Target:    meta.Target,
		Label:     meta.Label,
		Command:   meta.Command,
		Started:   res.Started.Round(0), // JSON keeps no monotonic reading
		ElapsedMs: millis(res.Elapsed),
		Partial:   res.Partial,
		Config:    meta.Config,
		Endpoints: Endpoints{
			Main: MainEndpoint{
				Baseline:          newStats(res.MainBaseline),
				Loaded:            newStats(res.MainLoaded),
				LoadedUncorrected: newStats(res.MainLoadedUncorrected),
			},
			Complex: ComplexEndpoint{Loaded: newStats(res.ComplexLoaded)},
		},
		Verdict:           newVerdict(res.Verdict),
		GeneratorLagP99Ms: millis(res.GeneratorLagP99),
		LoadWindow:        Window{StartMs: millis(res.LoadStart), EndMs: millis(res.LoadEnd)},
		LoadApplied:       RoundMs(res.LoadApplied), // to 0.001 requests/s
		StartLateMs:       millis(res.StartLate),
		Stages:            newStages(res),
		Loop:              loop,
		Requests:          make([]Request, 0, len(res.Records)),
	}
	if len(meta.Notes) > 0 {
		r.Notes = append([]string(nil), meta.Notes...)
	}
	if loop == nil {
		r.Notes = append(r.Notes, noLoopNote(meta.Target))
	}
	if n := res.ComplexLoaded.ErrorsByClass[string(probe.ErrCutOff)]; n > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("%d ComplexHandler requests still in flight --grace after the load window were cut off (cut_off): they loaded the target to the end of the window, and are not failures", n))
	}
	r.Notes = append(r.Notes, shardNotes(r)...)
	if res.Dropped > 0 {
		r.RecordsDropped = res.Dropped
		r.Notes = append(r.Notes, fmt.Sprintf("%d request records beyond --max-records were not kept; the figures count them all (--results keeps every record)", res.Dropped))
	}
	for _, rec := range res.Records {
		r.Requests = append(r.Requests, newRequest(rec))
	}
	r.settle()
	r.Explanation = Explain(r)
	return r
}

func noLoopNote(tgt string) string {
	if tgt == TargetEmbedded {
		return "loop figures were not collected"
	}
	return fmt.Sprintf("no loop agent answered at the target's /debug/loop, so no handler is named; run the server under one (`%s`, or `%s`) and add --loop-stats with the agent's URL, port 9999, path /debug/loop",
		AgentCommands[0], AgentCommands[1])
}

func newStats(s probe.Stats) Stats {
	out := Stats{
		Count:  s.Count,
		OK:     s.OK,
		Errors: s.Errors,
		MinMs:  millis(s.Min),
		P50Ms:  millis(s.P50),
		P90Ms:  millis(s.P90),
		P99Ms:  millis(s.P99),
		MaxMs:  millis(s.Max),
		MeanMs: millis(s.Mean),
		// The probe's histogram is in microseconds too.
		Histogram: encodeHistogram(s.Histogram),
	}
	if len(s.ErrorsByClass) > 0 {
		out.ErrorsByClass = make(map[string]int, len(s.ErrorsByClass))
		for k, v := range s.ErrorsByClass {
			out.ErrorsByClass[k] = v
		}
	}
	return out
}

func newVerdict(v probe.Verdict) Verdict {
	out := Verdict{
		Starved:           v.Starved,
		Conclusive:        v.Conclusive,
		MainP99BaselineMs: millis(v.BaselineP99),
		MainP99LoadedMs:   millis(v.LoadedP99),
		ThresholdMs:       millis(v.Threshold),
		ExcessMs:          excessMs(v.LoadedP99, v.Excess()),
		Probes:            v.Probes,
		Stalled:           v.Stalled,
		NoBaseline:        v.NoBaseline,
		Reason:            v.Reason,
	}
	out.Summary = VerdictLine(out)
	return out
}

// excessMs is the verdict's excess: none when no probe under load was
// answered (loaded is 0), as its JSON says (null).
func excessMs(loaded, excess time.Duration) float64 {
	if loaded == 0 {
		return 0
	}
	return millis(excess)
}

func newRequest(rec probe.Record) Request {
	return Request{
		Endpoint:      string(rec.Endpoint),
		Phase:         string(rec.Phase),
		ScheduledMs:   millis(rec.Scheduled),
		FiredMs:       millis(rec.Fired),
		StartMs:       millis(rec.Start),
		EndMs:         millis(rec.End),
		LatencyMs:     millis(rec.Latency()),
		UncorrectedMs: millis(rec.Uncorrected()),
		Status:        rec.Status,
		Error:         string(rec.Err),
		Detail:        rec.Detail,
		Stage:         rec.Stage,
	}
}

// record turns q back into the probe's record, for reports rebuilt from a
// results stream.
func (q Request) record() probe.Record {
	return probe.Record{
		Endpoint:  probe.Endpoint(q.Endpoint),
		Phase:     probe.Phase(q.Phase),
		Scheduled: fromMillis(q.ScheduledMs),
		Fired:     fromMillis(q.FiredMs),
		Start:     fromMillis(q.StartMs),
		End:       fromMillis(q.EndMs),
		Status:    q.Status,
		Err:       probe.ErrorClass(q.Error),
		Detail:    q.Detail,
		Stage:     q.Stage,
	}
}

func fromMillis(ms float64) time.Duration {
	return time.Duration(math.Round(ms * float64(time.Millisecond)))
}

// millis converts d to float milliseconds, the report's unit, to the
// microsecond: what was measured (the histograms' resolution), not
// 0.40700000000000003.
func millis(d time.Duration) float64 {
	return float64(d.Round(time.Microsecond)/time.Microsecond) / 1e3
}

// RoundMs rounds a figure in milliseconds to the microsecond, as millis
// does, for figures computed as floats (medians, a target's own figures).
func RoundMs(ms float64) float64 { return math.Round(ms*1e3) / 1e3 }
