package cmd

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/blockprobe/blockprobe/internal/loopdoc"
	"github.com/blockprobe/blockprobe/probe"
	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/target"
)

// fill sets every field of v, a pointer, to a value of its own, following
// pointers, so that a field the conversion forgets shows in the JSON.
func fill(v reflect.Value, next *int) {
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), next)
	case reflect.Struct:
		for i := range v.NumField() {
			fill(v.Field(i), next)
		}
	case reflect.Bool:
		v.SetBool(true)
	case reflect.String:
		v.SetString("handler")
	case reflect.Int, reflect.Int64:
		*next++
		v.SetInt(int64(*next))
	case reflect.Uint64:
		*next++
		v.SetUint(uint64(*next))
	case reflect.Float64:
		*next++
		v.SetFloat(float64(*next) + 0.5)
	default:
		panic("fill: a field of kind " + v.Kind().String())
	}
}

// The report's loop figures have the JSON of the target's, every field of
// it, so that a report reads the embedded target, a loop agent or a saved
// file alike.
func TestLoopFiguresKeepTheTargetsJSON(t *testing.T) {
	var st target.LoopStats
	var samples []target.LagSample
	n := 0
	fill(reflect.ValueOf(&st).Elem(), &n)
	for range 3 {
		var s target.LagSample
		fill(reflect.ValueOf(&s).Elem(), &n)
		samples = append(samples, s)
	}
	tests := []struct {
		name     string
		from, to any
	}{
		{"loop", st, loopFigures(st)},
		{"heartbeats", samples, lagSamples(samples)},
		{"no heartbeats", []target.LagSample(nil), lagSamples(nil)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want, err := json.Marshal(tc.from)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.Marshal(tc.to)
			if err != nil {
				t.Fatal(err)
			}
			// The report may add members of its own (stalls_over_threshold);
			// every member of the target's must be there, unchanged.
			if !jsonContains(t, got, want) {
				t.Errorf("report JSON\n  %s\nwant the target's\n  %s", got, want)
			}
		})
	}
}

// jsonContains says whether the JSON value got holds every member of want
// with the same value, at any depth.
func jsonContains(t *testing.T, got, want []byte) bool {
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	return contains(g, w)
}

func contains(got, want any) bool {
	wm, ok := want.(map[string]any)
	if !ok {
		return reflect.DeepEqual(got, want)
	}
	gm, ok := got.(map[string]any)
	if !ok {
		return false
	}
	for k, v := range wm {
		if !contains(gm[k], v) {
			return false
		}
	}
	return true
}

// A loop agent's watch becomes the report's loop: who answered, its clock,
// every stall with its frames, and the slowest stall as the culprit.
func TestAgentLoop(t *testing.T) {
	w := &probe.LoopWatch{URL: "http://127.0.0.1:9999/debug/loop", Source: "agent-python", Runtime: "CPython 3.11.2",
		Format: probe.LoopFormat, Pid: 42, ThresholdMs: 20, OffsetMs: 1.5, UncertaintyMs: 0.25, Every: time.Second,
		Polls: 3, Failures: 1, Missed: 2, LagP50Ms: 0.2, LagP99Ms: 900, LagMaxMs: 1000, Heartbeats: 150, BusyFraction: 0.5,
		Lost: "gone",
		Stalls: []probe.Stall{
			{StartMs: 10, DurationMs: 30, Handler: "A.get"},
			{StartMs: 100, DurationMs: 1000, Ongoing: true, Handler: "B.get", Request: "GET /b",
				Frames: []probe.Frame{{File: "s.py", Line: 7, Function: "get", Code: "time.sleep(1)"}}},
		}}
	l := agentLoop(w, 2*time.Second)
	a := l.Agent
	if l.Source != report.SourceAgent || a == nil || a.Source != "agent-python" || a.Pid != 42 || a.Format != probe.LoopFormat ||
		a.ClockOffsetMs != 1.5 || a.ClockUncertaintyMs != 0.25 || a.PollEveryMs != 1000 || a.Polls != 3 || a.FailedPolls != 1 || a.Heartbeats != 150 {
		t.Errorf("agent %+v", a)
	}
	if l.WindowMs != 2000 || l.StallsOver != 4 || l.MissedStalls != 2 || l.Lost != "gone" || l.LagP99Ms != 900 || l.ThresholdMs != 20 {
		t.Errorf("loop %+v", l)
	}
	if l.SlowestCallbackMs != 1000 || l.SlowestHandler != "B.get" || !l.SlowestStillRunning {
		t.Errorf("slowest %v in %q (running %v), want B.get's 1s", l.SlowestCallbackMs, l.SlowestHandler, l.SlowestStillRunning)
	}
	want := report.Stall{StartMs: 100, DurationMs: 1000, Ongoing: true, Handler: "B.get", Request: "GET /b",
		Frames: []report.Frame{{File: "s.py", Line: 7, Function: "get", Code: "time.sleep(1)"}}}
	if len(l.Stalls) != 2 || !reflect.DeepEqual(l.Stalls[1], want) {
		t.Errorf("stalls %+v, want the second %+v", l.Stalls, want)
	}
	// Without a stall, the slowest is the largest lag, as the agents say.
	w.Stalls, w.Missed = nil, 0
	if l := agentLoop(w, time.Second); l.SlowestCallbackMs != 1000 || l.SlowestHandler != "" || l.StallsOver != 0 {
		t.Errorf("without stalls: slowest %v in %q, %d stalls", l.SlowestCallbackMs, l.SlowestHandler, l.StallsOver)
	}
}

// The embedded target's stalls land on the run's clock, and those its ring
// let go are counted.
func TestEmbeddedLoop(t *testing.T) {
	started := time.Unix(1000, 0)
	doc := target.LoopDoc{LoopStats: target.LoopStats{SlowestCallbackMs: 500, SlowestHandler: "ComplexHandler"}, Doc: loopdoc.Doc{ThresholdMs: 20, StallsTotal: 3,
		Stalls: []target.Stall{{StartMs: 1000_250, DurationMs: 500, Handler: "ComplexHandler"}, {StartMs: 1000_900, DurationMs: 30, Ongoing: true, Handler: "ComplexHandler"}}}}
	l := embeddedLoop(doc, started)
	if l.Source != report.SourceEmbedded || l.Agent != nil || l.ThresholdMs != 20 || l.StallsOver != 3 || l.MissedStalls != 1 || l.SlowestHandler != "ComplexHandler" {
		t.Errorf("loop %+v", l)
	}
	if len(l.Stalls) != 2 || l.Stalls[0].StartMs != 250 || l.Stalls[1].StartMs != 900 || !l.Stalls[1].Ongoing {
		t.Errorf("stalls %+v, want at 250ms and 900ms of the run", l.Stalls)
	}
}
