package probe

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blockprobe/blockprobe/target"
)

func TestPlan(t *testing.T) {
	ms := time.Millisecond
	p := newPlan(Options{Stages: []Stage{{100 * ms, 1}, {200 * ms, 3}, {100 * ms, 0}, {100 * ms, 2}}})
	if p.window() != 500*ms || p.workers() != 3 {
		t.Fatalf("window %v, workers %d; want 500ms, 3", p.window(), p.workers())
	}
	stageCases := []struct {
		offset time.Duration
		want   int
	}{{-ms, 0}, {0, 0}, {99 * ms, 0}, {100 * ms, 1}, {299 * ms, 1}, {300 * ms, 2}, {499 * ms, 3}, {time.Hour, 3}}
	for _, tc := range stageCases {
		if got := p.at(tc.offset); got != tc.want {
			t.Errorf("at(%v) = stage %d, want %d", tc.offset, got, tc.want)
		}
	}
	idleCases := []struct {
		name   string
		k      int
		offset time.Duration
		idle   bool
		until  time.Duration
	}{
		{"first worker in the first stage", 0, 50 * ms, false, 0},
		{"second worker waits for the second stage", 1, 50 * ms, true, 100 * ms},
		{"third worker works in the second stage", 2, 150 * ms, false, 0},
		{"third worker is let go for good", 2, 350 * ms, true, 500 * ms},
		{"first worker rests in the empty stage", 0, 350 * ms, true, 400 * ms},
		{"second worker comes back in the last stage", 1, 420 * ms, false, 0},
	}
	for _, tc := range idleCases {
		t.Run(tc.name, func(t *testing.T) {
			until, idle := p.idleUntil(tc.k, tc.offset)
			if idle != tc.idle || (idle && until != tc.until) {
				t.Errorf("idleUntil(%d, %v) = %v, %v; want %v, %v", tc.k, tc.offset, until, idle, tc.until, tc.idle)
			}
		})
	}
}

func TestStagesPacer(t *testing.T) {
	ms := time.Millisecond
	cases := []struct {
		name   string
		stages []Stage
		want   []time.Duration
	}{
		{"one stage", []Stage{{300 * ms, 10}}, []time.Duration{0, 100 * ms, 200 * ms}},
		{"rate changes at the stage's start", []Stage{{200 * ms, 10}, {100 * ms, 40}},
			[]time.Duration{0, 100 * ms, 200 * ms, 225 * ms, 250 * ms, 275 * ms}},
		{"a stage without load", []Stage{{100 * ms, 20}, {200 * ms, 0}, {100 * ms, 20}},
			[]time.Duration{0, 50 * ms, 300 * ms, 350 * ms}},
		{"a stage too short for one interval sends once", []Stage{{10 * ms, 1}, {10 * ms, 1}}, []time.Duration{0, 10 * ms}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkSchedule(t, newPlan(Options{LoadRate: 1, Stages: tc.stages}).pacer(), tc.want)
		})
	}
}

func TestConstantPacerCount(t *testing.T) {
	for _, p := range []ConstantPacer{
		{Rate: 3, Stop: time.Second}, {Rate: 7, Start: 13 * time.Millisecond, Stop: 1001 * time.Millisecond},
		{Rate: 0.5, Stop: 10 * time.Second}, {Rate: 1000, Stop: time.Millisecond}, {Rate: 10, Start: time.Second, Stop: time.Second},
	} {
		if got, want := p.count(), Planned(p, 1<<20); got != uint64(want) {
			t.Errorf("%+v: count %d, Planned %d", p, got, want)
		}
	}
}

func TestValidateLoad(t *testing.T) {
	good := options("http://127.0.0.1:1", time.Second)
	cases := []struct {
		name, option string
		edit         func(*Options)
	}{
		{"negative load rate", "load-rate", func(o *Options) { o.LoadRate = -1 }},
		{"load rate NaN", "load-rate", func(o *Options) { o.LoadRate = math.NaN() }},
		{"load rate too high", "load-rate", func(o *Options) { o.LoadRate = MaxRate + 1 }},
		{"no workers", "concurrency", func(o *Options) { o.Concurrency = 0 }},
		{"stage without duration", "stages", func(o *Options) { o.Stages = []Stage{{time.Second, 1}, {0, 2}} }},
		{"half a worker", "stages", func(o *Options) { o.Stages = []Stage{{time.Second, 1.5}} }},
		{"negative rate stage", "stages", func(o *Options) { o.LoadRate, o.Stages = 1, []Stage{{time.Second, -2}} }},
		{"duration that is not the stages' total", "duration", func(o *Options) { o.Stages = []Stage{{time.Second, 1}, {time.Second, 2}} }},
		{"probe delay beyond the stages", "probe-delay", func(o *Options) {
			o.Duration, o.ProbeDelay, o.Stages = 0, 300*time.Millisecond, []Stage{{100 * time.Millisecond, 1}, {100 * time.Millisecond, 2}}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := good
			tc.edit(&o)
			var oe *OptionError
			if err := o.Validate(); !errors.As(err, &oe) || oe.Option() != tc.option {
				t.Errorf("Validate = %v, want an error about %s", err, tc.option)
			}
		})
	}
	fine := []struct {
		name string
		edit func(*Options)
	}{
		{"open loop needs no workers", func(o *Options) { o.Concurrency, o.LoadRate = 0, 5 }},
		{"stages make the window", func(o *Options) { o.Duration, o.Stages = 0, []Stage{{time.Second, 0}, {time.Second, 4}} }},
		{"a duration equal to the stages' total", func(o *Options) { o.Duration, o.Stages = 2*time.Second, []Stage{{time.Second, 1}, {time.Second, 2}} }},
		{"fractional rates", func(o *Options) { o.LoadRate, o.Stages = 1, []Stage{{time.Second, 0.5}} }},
	}
	for _, tc := range fine {
		t.Run(tc.name, func(t *testing.T) {
			o := good
			tc.edit(&o)
			if err := o.Validate(); err != nil {
				t.Errorf("Validate = %v, want nil", err)
			}
		})
	}
}

// Open-loop load sends ComplexHandler requests on schedule whether or not
// earlier ones were answered, and times them from the schedule.
func TestOpenLoopLoad(t *testing.T) {
	const delay = 200 * time.Millisecond
	base := startTarget(t, target.Config{Mode: target.Async, ComplexDelay: delay})
	o := options(base, time.Second)
	o.Concurrency, o.LoadRate = 0, 20
	res, err := run(t, context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if n := res.ComplexLoaded.Count; n != 20 {
		t.Errorf("%d ComplexHandler requests at 20/s for 1s, want 20", n)
	}
	if res.LoadApplied < 15 || res.LoadApplied > 21 {
		t.Errorf("load applied %.1f/s, want about 20/s", res.LoadApplied)
	}
	// One worker would have sent five; the schedule sends one every 50ms
	// while each takes 200ms, so about four are in flight at once.
	var complex []Record
	for _, r := range res.Records {
		if r.Endpoint == Complex {
			complex = append(complex, r)
			if r.Start-r.Scheduled > 100*time.Millisecond {
				t.Errorf("request due at %v sent at %v: not on schedule", r.Scheduled, r.Start)
			}
		}
	}
	if inFlight := maxInFlight(complex); inFlight < 3 {
		t.Errorf("at most %d ComplexHandler requests in flight at once, want about 4", inFlight)
	}
	if res.ComplexLoaded.P50 < delay || res.ComplexLoaded.P50 > 3*delay {
		t.Errorf("ComplexHandler p50 %v, want about %v", res.ComplexLoaded.P50, delay)
	}
	if !res.Verdict.Conclusive {
		t.Errorf("open-loop load gave no verdict: %+v", res.Verdict)
	}
}

func maxInFlight(rs []Record) int {
	most := 0
	for _, a := range rs {
		n := 0
		for _, b := range rs {
			if b.Start <= a.Start && a.Start < b.End {
				n++
			}
		}
		most = max(most, n)
	}
	return most
}

// Each stage is measured and judged apart: a rest stage has no verdict (no
// load), a blocking stage is starved.
func TestStagesAreJudgedApart(t *testing.T) {
	const delay = 300 * time.Millisecond
	base := startTarget(t, target.Config{Mode: target.Blocking, ComplexDelay: delay})
	o := options(base, 0)
	o.Stages = []Stage{{400 * time.Millisecond, 0}, {600 * time.Millisecond, 1}}
	res, err := run(t, context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Stages) != 2 {
		t.Fatalf("%d stage results, want 2", len(res.Stages))
	}
	rest, busy := res.Stages[0], res.Stages[1]
	if rest.ComplexLoaded.Count != 0 || rest.Verdict.Conclusive || !strings.Contains(rest.Verdict.Reason, "without load") {
		t.Errorf("rest stage: %d complex requests, verdict %+v; want none, inconclusive for want of load", rest.ComplexLoaded.Count, rest.Verdict)
	}
	if rest.MainLoaded.Count < 10 || rest.MainLoaded.P99 > delay/2 {
		t.Errorf("rest stage: %d probes, p99 %v; want probes answered at once", rest.MainLoaded.Count, rest.MainLoaded.P99)
	}
	if busy.ComplexLoaded.Count < 2 || !busy.Verdict.Starved {
		t.Errorf("blocking stage: %d complex requests, verdict %+v; want starved", busy.ComplexLoaded.Count, busy.Verdict)
	}
	if rest.Start != res.LoadStart || rest.End != busy.Start || busy.End != res.LoadEnd || res.LoadEnd-res.LoadStart != time.Second {
		t.Errorf("stage windows %v-%v, %v-%v in the load window %v-%v", rest.Start, rest.End, busy.Start, busy.End, res.LoadStart, res.LoadEnd)
	}
	n := [2]int{}
	for _, r := range res.Records {
		if r.Phase != Loaded {
			continue
		}
		n[r.Stage]++
		if r.Scheduled < res.Stages[r.Stage].Start || r.Scheduled >= res.Stages[r.Stage].End {
			t.Errorf("%s request due at %v marked stage %d (%v-%v)", r.Endpoint, r.Scheduled, r.Stage, res.Stages[r.Stage].Start, res.Stages[r.Stage].End)
		}
	}
	if n[0] != rest.MainLoaded.Count+rest.ComplexLoaded.Count || n[1] != busy.MainLoaded.Count+busy.ComplexLoaded.Count {
		t.Errorf("records by stage %v, figures %d and %d", n, rest.MainLoaded.Count+rest.ComplexLoaded.Count, busy.MainLoaded.Count+busy.ComplexLoaded.Count)
	}
	// A result rebuilt from its records has the same stages.
	again := &Result{Options: res.Options, Records: res.Records, LoadStart: res.LoadStart, LoadEnd: res.LoadEnd, Elapsed: res.Elapsed}
	again.Summarize()
	if len(again.Stages) != 2 || again.Stages[1].MainLoaded.P99 != busy.MainLoaded.P99 || again.Stages[1].Verdict.Starved != busy.Verdict.Starved {
		t.Errorf("summarized again: %+v", again.Stages)
	}
}

// Closed-loop stages add and let go of workers: in a pooled target of two
// workers, four workers queue for the pool and one does not.
func TestWorkerStages(t *testing.T) {
	const delay = 100 * time.Millisecond
	base := startTarget(t, target.Config{Mode: target.Pooled, ComplexDelay: delay, Pool: 2})
	o := options(base, 0)
	o.Stages = []Stage{{500 * time.Millisecond, 1}, {500 * time.Millisecond, 4}}
	res, err := run(t, context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	one, four := res.Stages[0].ComplexLoaded, res.Stages[1].ComplexLoaded
	if one.Count < 3 || one.Count > 6 || one.P50 > 3*delay/2 {
		t.Errorf("one worker: %d requests, p50 %v; want about 5 of about %v", one.Count, one.P50, delay)
	}
	if four.Count < 10 || four.P50 < 3*delay/2 {
		t.Errorf("four workers on a pool of two: %d requests, p50 %v; want about 20 waiting about %v", four.Count, four.P50, 2*delay)
	}
	if a, b := res.Stages[0].LoadApplied, res.Stages[1].LoadApplied; b < 1.5*a {
		t.Errorf("throughput %.1f/s then %.1f/s: the second stage should send about twice as many", a, b)
	}
	for i, s := range res.Stages {
		if s.Verdict.Starved || !s.Verdict.Conclusive {
			t.Errorf("stage %d of a pooled target: %+v", i+1, s.Verdict)
		}
	}
}

func TestWaitQuiet(t *testing.T) {
	const delay = 300 * time.Millisecond
	base := startTarget(t, target.Config{Mode: target.Blocking, ComplexDelay: delay})
	o := options(base, time.Second)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	var wg sync.WaitGroup
	defer wg.Wait()
	block := func() {
		wg.Go(func() {
			if resp, err := client.Get(base + target.ComplexPath); err == nil {
				resp.Body.Close()
			}
		})
		time.Sleep(50 * time.Millisecond)
	}
	// Block the loop, then wait for it to answer promptly again.
	block()
	start := time.Now()
	if err := WaitQuiet(context.Background(), o, 20*time.Millisecond, 3, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < delay/2 || took > 3*time.Second {
		t.Errorf("waited %v for a loop blocked for %v", took, delay)
	}
	// A loop that stays blocked is not quiet.
	block()
	if err := WaitQuiet(context.Background(), o, time.Millisecond, 3, 100*time.Millisecond); !errors.Is(err, ErrNotQuiet) {
		t.Errorf("WaitQuiet on a blocked loop = %v, want ErrNotQuiet", err)
	}
	// A target that is gone ends the wait at once.
	o.MainURL = "http://127.0.0.1:1/"
	if err := WaitQuiet(context.Background(), o, time.Second, 3, 5*time.Second); err == nil || errors.Is(err, ErrNotQuiet) {
		t.Errorf("WaitQuiet on a closed port = %v, want a connection error", err)
	}
}
