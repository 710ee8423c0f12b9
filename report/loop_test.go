package report_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

func TestLoopExpectations(t *testing.T) {
	agent := fixture.Report(t, "external_agent")
	blocking := fixture.Report(t, "blocking_starved")
	blocking.Loop.Source, blocking.Loop.StallsOver, blocking.Loop.ThresholdMs = report.SourceEmbedded, 1, 20
	async := fixture.Report(t, "async_not_starved")
	async.Loop.Source, async.Loop.ThresholdMs = report.SourceEmbedded, 20
	none := fixture.Report(t, "external_errors")
	silent := fixture.Report(t, "external_agent")
	silent.Loop = &report.Loop{Source: report.SourceAgent, Agent: &report.LoopAgent{URL: "http://x/debug/loop"}, Lost: "the agent never answered"}
	noLag := fixture.Report(t, "external_agent")
	noLag.Loop.Agent.Heartbeats = 0
	blind := fixture.Report(t, "external_agent") // no lag, and no stall named
	blind.Loop.Agent.Heartbeats, blind.Loop.Stalls, blind.Loop.StallsOver, blind.Loop.SlowestCallbackMs = 0, nil, 0, 0
	old := fixture.Report(t, "blocking_starved") // written before stalls were counted
	lost := fixture.Report(t, "external_agent")
	lost.Loop.Lost = "the agent stopped answering 2.5s into the run: connection refused"
	cases := []struct {
		name, raw string
		r         *report.Report
		ok        bool
		got       string
	}{
		{"agent: the slowest stall", "loop.slowest_stall<100ms", agent, false, "5.00s"},
		{"agent: the stall count", "loop.stalls==0", agent, false, "3"},
		{"agent: lag", "loop.lag_p99<50ms", agent, false, "5.00s"},
		{"agent: the median lag", "loop.lag_p50<=1ms", agent, true, "200µs"},
		{"embedded blocking: the slowest callback", "loop.slowest_stall<100ms", blocking, false, "5.00s"},
		{"embedded blocking: stalls", "loop.stalls==0", blocking, false, "1"},
		{"embedded async", "loop.slowest_stall<100ms", async, true, "210µs"},
		{"embedded async: no stall", "loop.stalls==0", async, true, "0"},
		{"a run for it", "async:loop.lag_max<1ms", async, true, "400µs"},
		{"no agent fails any bound", "loop.slowest_stall<100ms", none, false, "nothing: no loop figures (an external target without a loop agent)"},
		{"no agent fails the other way too", "loop.stalls>=1", none, false, "nothing: no loop figures"},
		{"an agent that never answered", "loop.lag_p99<1s", silent, false, "nothing: no loop figures (the loop agent never answered)"},
		{"an agent without lag", "loop.lag_p99<1s", noLag, false, "nothing: no lag figures"},
		{"but with its stalls", "loop.slowest_stall>1s", noLag, true, "5.00s"},
		{"an agent lost before the end passes no bound", "loop.lag_p50<=1ms", lost, false, "nothing: no complete loop figures (the agent stopped answering 2.5s"},
		{"an agent that saw nothing passes no bound", "loop.slowest_stall<100ms", blind, false, "nothing: no stall figures"},
		{"an old report has no stall count", "loop.stalls==0", old, false, "nothing: no stall count"},
		{"but its slowest callback", "loop.slowest_stall>1s", old, true, "5.00s"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			exps, err := report.ParseExpectations([]string{tc.raw}, []string{"async"})
			if err != nil {
				t.Fatal(err)
			}
			ok, got := exps[0].Check(tc.r)
			if ok != tc.ok || !strings.HasPrefix(got, tc.got) {
				t.Errorf("%s: %v, measured %q; want %v, %q", tc.raw, ok, got, tc.ok, tc.got)
			}
		})
	}
}

func TestParseLoopExpectations(t *testing.T) {
	cases := []struct{ raw, err string }{
		{"loop.slowest_stall<100ms", ""},
		{"loop.stalls == 0", ""},
		{"async:loop.lag_p99<=5ms", ""},
		{"loop.stalls<=2", ""},
		{"loop.p99<1s", `unknown loop figure "p99" (want one of lag_p50, lag_p99, lag_max, slowest_stall, stalls)`},
		{"loop.lag_p99<50", "not a duration"},
		{"loop.stalls<fast", "not a count"},
		{"loop.slowest_stall<0s", "can never hold"},
		{"loop.stalls>=0", "always holds"},
		{"nosuch:loop.stalls==0", `no run named "nosuch"`},
		{"loop.loaded.p99<1s", "have no phase: loop.p99, not loop.loaded.p99"},
	}
	for _, tc := range cases {
		t.Run(tc.raw, func(t *testing.T) {
			_, err := report.ParseExpectations([]string{tc.raw}, []string{"async"})
			switch {
			case tc.err == "" && err != nil:
				t.Errorf("error %v, want none", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Errorf("error %v, want one saying %q", err, tc.err)
			}
		})
	}
}

func TestLoopLines(t *testing.T) {
	agent := fixture.Report(t, "external_agent")
	free := fixture.Report(t, "external_agent")
	free.Loop.Stalls, free.Loop.StallsOver, free.Loop.MissedStalls = nil, 0, 0
	node := fixture.Report(t, "external_agent")
	node.Loop.Stalls = []report.Stall{{StartMs: 10, DurationMs: 1000, Ongoing: true, Handler: "GET /complex", Request: "GET /complex",
		Frames: []report.Frame{{File: "examples/node/server.js", Line: 41, Function: "sleepThread", Code: "Atomics.wait(a, 0, 0, ms);"}}}}
	node.Loop.StallsOver, node.Loop.MissedStalls = 1, 0
	silent := fixture.Report(t, "external_agent")
	silent.Loop = &report.Loop{Source: report.SourceAgent, Agent: &report.LoopAgent{URL: "http://127.0.0.1:9/debug/loop"},
		Lost: "the agent never answered", ThresholdMs: 20}
	lost := fixture.Report(t, "external_agent")
	lost.Loop.Lost = "the agent stopped answering 2.1s into the run: connection refused"
	embedded := fixture.Report(t, "blocking_starved")
	embedded.Loop.Source, embedded.Loop.StallsOver, embedded.Loop.ThresholdMs = report.SourceEmbedded, 1, 20
	embedded.Loop.Stalls = []report.Stall{{StartMs: 30, DurationMs: 5000.31, Handler: "ComplexHandler"}}
	cases := []struct {
		name  string
		r     *report.Report
		lines []string // a part of each line, in order
		terse string   // the compare column's cell
	}{
		{"agent", agent, []string{
			"Loop: slowest stall 5.00s in BlockingComplexHandler.get at examples/tornado/server.py:75 `time.sleep(self.delay)`; lag p99 5.00s (max 5.00s); 3 stalls over 20ms (1 not read",
			"Loop agent: agent-python (CPython 3.11.2, tornado 6.2), pid 4242, at http://127.0.0.1:9999/debug/loop; clock offset +0.12ms ±0.31ms; 7 polls every 1s",
			"  stall at 46.1ms for 5.00s: BlockingComplexHandler.get (GET /complex) at examples/tornado/server.py:75",
			"  stall at 5.08s for 31.40ms: ReportHandler.get (GET /report)",
		}, "5.00s BlockingComplexHandler.get server.py:75"},
		{"no stall", free, []string{"Loop: no stall over 20ms; lag p99 5.00s (max 5.00s); 0 stalls over 20ms; busy 96%", "Loop agent: "}, "none>20ms"},
		{"node, still running", node, []string{
			"Loop: slowest stall 1.00s in GET /complex at examples/node/server.js:41 `Atomics.wait(a, 0, 0, ms);` (still running)",
			"Loop agent:", "  stall at 10ms for 1.00s (still running): GET /complex at examples/node/server.js:41"}, "1.00s GET /complex server.js:41"},
		{"never answered", silent, []string{"Loop: the loop agent at http://127.0.0.1:9/debug/loop never answered, so no handler is named (the agent never answered)"}, "-"},
		{"embedded", embedded, []string{"Loop: slowest callback 5.00s in ComplexHandler; lag p99 4.95s (max 4.99s); busy 100%; longest queue 100; 1 stall over 20ms"}, "5.00s ComplexHandler"},
		{"no agent", fixture.Report(t, "external_errors"), nil, "-"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := report.LoopLines(tc.r)
			if len(got) != len(tc.lines) {
				t.Fatalf("lines:\n%s\nwant %d", strings.Join(got, "\n"), len(tc.lines))
			}
			for i, want := range tc.lines {
				if !strings.HasPrefix(got[i], want) {
					t.Errorf("line %d:\n  %s\nwant it to begin\n  %s", i, got[i], want)
				}
			}
			if cell := report.SlowestCallback(tc.r.Loop, true); cell != tc.terse {
				t.Errorf("compare cell %q, want %q", cell, tc.terse)
			}
		})
	}
	var ws []string
	for _, w := range report.Warnings(lost) {
		ws = append(ws, w.String())
	}
	if want := "Loop agent lost: the agent stopped answering 2.1s into the run: connection refused; the loop figures cover the run until then"; !strings.Contains(strings.Join(ws, "\n"), want) {
		t.Errorf("warnings %q lack %q", ws, want)
	}
}

func TestStallTable(t *testing.T) {
	embedded := &report.Loop{Source: report.SourceEmbedded, ThresholdMs: 20, StallsOver: 2, Stalls: []report.Stall{
		{StartMs: 10, DurationMs: 400, Handler: "ComplexHandler"},
		{StartMs: 420, DurationMs: 30.5, Handler: "ComplexHandler", Ongoing: true},
	}}
	cases := []struct {
		name   string
		loop   *report.Loop
		header []string
		rows   [][]string
	}{
		{"an agent's, with frames", fixture.Report(t, "external_agent").Loop,
			[]string{"#", "at", "for", "handler", "request", "where", "code"},
			[][]string{
				{"1", "46.1ms", "5.00s", "BlockingComplexHandler.get", "GET /complex", "examples/tornado/server.py:75", "time.sleep(self.delay)"},
				{"2", "5.08s", "31.40ms", "ReportHandler.get", "GET /report", "", ""},
			}},
		{"the embedded target's: no request or frame to show", embedded,
			[]string{"#", "at", "for", "handler"},
			[][]string{{"1", "10ms", "400.00ms", "ComplexHandler"}, {"2", "420ms", "30.50ms (still running)", "ComplexHandler"}}},
		{"one embedded stall is the Loop line's slowest callback: no table", &report.Loop{Source: report.SourceEmbedded,
			Stalls: embedded.Stalls[:1]}, nil, nil},
		{"no loop", nil, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			header, right, rows := report.StallTable(tc.loop)
			if !reflect.DeepEqual(header, tc.header) || !reflect.DeepEqual(rows, tc.rows) {
				t.Errorf("StallTable:\n%q\n%q\nwant\n%q\n%q", header, rows, tc.header, tc.rows)
			}
			if len(right) != len(header) {
				t.Errorf("%d alignments for %d columns", len(right), len(header))
			}
		})
	}
}
