package report

import (
	"time"

	"github.com/blockprobe/blockprobe/probe"
)

// Fixed inputs for the tests: hand-built runs with explicit records, so the
// rendered output is deterministic.

var fixtureStart = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

const (
	ms = time.Millisecond
	us = time.Microsecond
)

// embeddedConfig is the configuration of a default run on the embedded target.
func embeddedConfig() Config {
	return Config{
		ComplexDelayMs: 5000, Pool: 5, Work: "sleep", Concurrency: 1, Rate: 20, Baseline: 20,
		DurationMs: 5000, TimeoutMs: 30000, StarveThresholdMs: 50, MainPath: "/", ComplexPath: "/complex",
	}
}

// baselineRecords returns n MainHandler requests sent one after another from
// offset 0, and the offset at which the last one ended.
func baselineRecords(n int) ([]probe.Record, time.Duration) {
	var recs []probe.Record
	t := time.Duration(0)
	for i := range n {
		lat := 300*us + time.Duration(i%6)*25*us
		recs = append(recs, probe.Record{
			Endpoint: probe.Main, Phase: probe.Baseline,
			Scheduled: t, Start: t, End: t + lat, Status: 200,
		})
		t += lat + 100*us
	}
	return recs, t
}

// probeSchedule is when the k-th probe under load is due: every 50ms (20/s)
// from 20ms after the load starts.
func probeSchedule(loadStart time.Duration, k int) time.Duration {
	return loadStart + 20*ms + time.Duration(k)*50*ms
}

func summarize(res *probe.Result) *probe.Result {
	res.Options.StarveThreshold = 50 * ms
	res.Summarize()
	return res
}

// blockingRun is a starved run: one 5s ComplexHandler request blocks the
// loop, and every probe waits for it, so latencies fall from ≈5s to ≈30ms.
func blockingRun() *probe.Result {
	recs, loadStart := baselineRecords(20)
	blockEnd := loadStart + 5*time.Second
	recs = append(recs, probe.Record{
		Endpoint: probe.Complex, Phase: probe.Loaded,
		Scheduled: loadStart, Start: loadStart, End: blockEnd + 200*us, Status: 200,
	})
	for k := range 100 {
		sched := probeSchedule(loadStart, k)
		recs = append(recs, probe.Record{
			Endpoint: probe.Main, Phase: probe.Loaded,
			Scheduled: sched, Start: sched + 60*us, End: blockEnd + time.Duration(k+2)*40*us, Status: 200,
		})
	}
	return summarize(&probe.Result{
		Started: fixtureStart, Elapsed: blockEnd + 5*ms,
		LoadStart: loadStart, LoadEnd: loadStart + 5*time.Second, Records: recs,
	})
}

func blockingLoop() *Loop {
	return &Loop{
		WindowMs: 5012.5, Callbacks: 143, SlowestCallbackMs: 5000.31, SlowestHandler: "ComplexHandler",
		LagP50Ms: 2480.2, LagP99Ms: 4950.7, LagMaxMs: 4990.1, BusyFraction: 0.9981, LongestQueue: 100,
	}
}

// asyncRun is a healthy run: the complex request waits on a timer off the
// loop, and every probe is answered in well under a millisecond.
func asyncRun() *probe.Result {
	recs, loadStart := baselineRecords(20)
	recs = append(recs, probe.Record{
		Endpoint: probe.Complex, Phase: probe.Loaded,
		Scheduled: loadStart, Start: loadStart, End: loadStart + 5*time.Second + 900*us, Status: 200,
	})
	for k := range 100 {
		sched := probeSchedule(loadStart, k)
		start := sched + 40*us
		recs = append(recs, probe.Record{
			Endpoint: probe.Main, Phase: probe.Loaded,
			Scheduled: sched, Start: start, End: start + 330*us + time.Duration(k%7)*30*us, Status: 200,
		})
	}
	return summarize(&probe.Result{
		Started: fixtureStart, Elapsed: loadStart + 5*time.Second + 2*ms,
		LoadStart: loadStart, LoadEnd: loadStart + 5*time.Second, Records: recs,
	})
}

func asyncLoop() *Loop {
	return &Loop{
		WindowMs: 5003.1, Callbacks: 812, SlowestCallbackMs: 0.21, SlowestHandler: "MainHandler",
		LagP50Ms: 0.06, LagP99Ms: 0.15, LagMaxMs: 0.4, BusyFraction: 0.012, LongestQueue: 1,
	}
}

// erroringRun is a run against an external target that misbehaves: a
// baseline answer of 500, complex requests refused with 503, probes that
// time out or are reset, and a generator that fell behind.
func erroringRun() *probe.Result {
	recs, loadStart := baselineRecords(19)
	recs = append(recs, probe.Record{
		Endpoint: probe.Main, Phase: probe.Baseline,
		Scheduled: recs[18].End, Start: recs[18].End, End: recs[18].End + 900*us, Status: 500, Err: probe.ErrStatus,
		Detail: "500 Internal Server Error",
	})
	loadStart += 1 * ms
	for i := range 4 {
		start := loadStart + time.Duration(i)*1250*ms
		rec := probe.Record{
			Endpoint: probe.Complex, Phase: probe.Loaded,
			Scheduled: start, Start: start, End: start + 1200*ms, Status: 200,
		}
		if i%2 == 1 {
			rec.End, rec.Status, rec.Err, rec.Detail = start+2*ms, 503, probe.ErrStatus, "503 Service Unavailable"
		}
		recs = append(recs, rec)
	}
	for k := range 40 {
		sched := probeSchedule(loadStart, k)
		lag := 80 * us
		if k%10 == 9 {
			lag = 4 * ms // the generator stalled
		}
		rec := probe.Record{
			Endpoint: probe.Main, Phase: probe.Loaded,
			Scheduled: sched, Start: sched + lag, End: sched + lag + 1200*us + time.Duration(k%5)*400*us, Status: 200,
		}
		switch k {
		case 7, 23, 31:
			rec.End, rec.Status, rec.Err = rec.Start+2*time.Second, 0, probe.ErrTimeout
			rec.Detail = `Get "http://127.0.0.1:8080/": context deadline exceeded`
		case 12:
			rec.End, rec.Status, rec.Err = rec.Start+3*ms, 0, probe.ErrReset
			rec.Detail = "read tcp 127.0.0.1:51234->127.0.0.1:8080: read: connection reset by peer"
		}
		recs = append(recs, rec)
	}
	return summarize(&probe.Result{
		Started: fixtureStart, Elapsed: loadStart + 5*time.Second + 20*ms,
		LoadStart: loadStart, LoadEnd: loadStart + 5*time.Second, Records: recs,
	})
}

func erroringConfig() Config {
	c := embeddedConfig()
	c.ComplexDelayMs, c.Pool, c.Work = 0, 0, ""
	c.Concurrency, c.TimeoutMs = 2, 2000
	c.MainPath, c.ComplexPath = "/", "/slow"
	return c
}

// partialRun is a blocking run interrupted 2s into the block: the requests
// still waiting on the loop were canceled, so no probe was answered.
func partialRun() *probe.Result {
	recs, loadStart := baselineRecords(20)
	cancel := loadStart + 2*time.Second + 2*time.Second // interrupt plus grace
	recs = append(recs, probe.Record{
		Endpoint: probe.Complex, Phase: probe.Loaded,
		Scheduled: loadStart, Start: loadStart, End: cancel, Err: probe.ErrCanceled, Detail: "context canceled",
	})
	for k := range 40 {
		sched := probeSchedule(loadStart, k)
		recs = append(recs, probe.Record{
			Endpoint: probe.Main, Phase: probe.Loaded,
			Scheduled: sched, Start: sched + 60*us, End: cancel, Err: probe.ErrCanceled, Detail: "context canceled",
		})
	}
	return summarize(&probe.Result{
		Started: fixtureStart, Elapsed: cancel, Partial: true,
		LoadStart: loadStart, LoadEnd: loadStart + 2*time.Second, Records: recs,
	})
}

func partialLoop() *Loop {
	return &Loop{
		WindowMs: 2004.2, Callbacks: 23, SlowestCallbackMs: 2000.4, SlowestHandler: "ComplexHandler",
		LagP50Ms: 990.3, LagP99Ms: 1980.6, LagMaxMs: 2000.2, BusyFraction: 0.995, LongestQueue: 40,
	}
}

// fixture is one fixed run and the report built from it.
type fixture struct {
	name string
	meta Meta
	res  *probe.Result
	loop *Loop
}

func (f fixture) report() *Report { return New(f.meta, f.res, f.loop) }

func fixtures() []fixture {
	embedded := func(mode string) Meta {
		return Meta{Mode: mode, Target: TargetEmbedded, Command: "blockprobe run --mode " + mode, Config: embeddedConfig()}
	}
	return []fixture{
		{name: "blocking_starved", meta: embedded("blocking"), res: blockingRun(), loop: blockingLoop()},
		{name: "async_not_starved", meta: embedded("async"), res: asyncRun(), loop: asyncLoop()},
		{name: "external_errors", res: erroringRun(), meta: Meta{
			Mode: "external", Target: "http://127.0.0.1:8080", Config: erroringConfig(),
			Command: "blockprobe run --target http://127.0.0.1:8080 --complex-path /slow --concurrency 2 --timeout 2s",
		}},
		{name: "blocking_partial", meta: embedded("blocking"), res: partialRun(), loop: partialLoop()},
	}
}
