package cmd_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/blockprobe/blockprobe/internal/child"
)

// agentExample is an example server run under its loop agent, and what the
// agent must name when the server blocks its loop.
type agentExample struct {
	name          string
	have          func() error
	cmd           func(mode string) *exec.Cmd // run from the repository's root
	handler, code string                      // in the blocking stall: its handler, its frame's code
	file          string
}

func havePythonTornado() error { return child.Tornado("") }

// agentThreshold is the agents' stall threshold in these tests: far above
// what a loaded 2-core machine does to an idle loop (other packages' tests
// run beside these), far below the 600ms block.
const agentThreshold = "250"

var agentExamples = []agentExample{
	{"tornado", havePythonTornado, func(mode string) *exec.Cmd {
		return exec.Command(child.Python, "agents/python/blockprobe_agent.py", "--port", "0", "--threshold-ms", agentThreshold,
			"--", "examples/tornado/server.py", "--mode", mode, "--port", "0", "--delay", "0.6")
	}, "BlockingComplexHandler.get", "time.sleep(self.delay)", "examples/tornado/server.py"},
	{"asyncio", func() error { _, err := os.Stat(child.Python); return err }, func(mode string) *exec.Cmd {
		return exec.Command(child.Python, "agents/python/blockprobe_agent.py", "--port", "0", "--threshold-ms", agentThreshold,
			"--", "examples/asyncio/server.py", "--mode", mode, "--port", "0", "--delay", "0.6")
	}, "BlockingComplexHandler.get", "time.sleep(", "examples/asyncio/server.py"},
	{"node", child.Node, func(mode string) *exec.Cmd {
		c := exec.Command("node", "-r", "./agents/node/blockprobe-agent.js", "examples/node/server.js", "--mode", mode, "--port", "0", "--delay", "0.6")
		c.Env = append(os.Environ(), "BLOCKPROBE_AGENT=127.0.0.1:0", "BLOCKPROBE_AGENT_THRESHOLD_MS="+agentThreshold)
		return c
	}, "GET /complex", "Atomics.wait(", "examples/node/server.js"},
}

// startUnderAgent starts an example server under its agent from the
// repository's root, and returns the server's URL and the agent's.
func startUnderAgent(t *testing.T, cmd *exec.Cmd) child.Server {
	t.Helper()
	cmd.Dir = ".."
	return child.Start(t, cmd, child.Options{Agent: true})
}

// loopDoc is the loop object of a JSON report, as far as these tests read it.
type loopDoc struct {
	Source string `json:"source"`
	Agent  *struct {
		Source string `json:"source"`
		Pid    int    `json:"pid"`
		Polls  int    `json:"polls"`
	} `json:"agent"`
	SlowestCallbackMs float64 `json:"slowest_callback_ms"`
	StallsOver        int     `json:"stalls_over_threshold"`
	Lost              string  `json:"lost"`
	Stalls            []struct {
		DurationMs float64 `json:"duration_ms"`
		StartMs    float64 `json:"start_ms"`
		Handler    string  `json:"handler"`
		Frames     []struct {
			File string `json:"file"`
			Line int    `json:"line"`
			Code string `json:"code"`
		} `json:"frames"`
	} `json:"stalls"`
}

func loopOfJSON(t *testing.T, data string) loopDoc {
	t.Helper()
	var doc struct {
		Loop *loopDoc `json:"loop"`
	}
	if err := json.Unmarshal([]byte(data), &doc); err != nil {
		t.Fatalf("decoding the report: %v\n%.500s", err, data)
	}
	if doc.Loop == nil {
		t.Fatalf("the report has no loop object:\n%.1000s", data)
	}
	return *doc.Loop
}

// Real servers under their agents, probed by the built binary: blocking,
// the report names the handler and the line that held the loop, in JSON
// and in the text of the saved report; async, no stall and not starved.
func TestLoopAgentsNameTheCulprit(t *testing.T) {
	for _, ex := range agentExamples {
		t.Run(ex.name, func(t *testing.T) {
			if err := ex.have(); err != nil {
				t.Skipf("%s is not installed here (%v); .ci/run installs it", ex.name, err)
			}
			t.Run("blocking", func(t *testing.T) {
				srv := startUnderAgent(t, ex.cmd("blocking"))
				url, agent := srv.URL, srv.Agent
				saved := filepath.Join(t.TempDir(), "run.json")
				// A CI gate on the loop fails on this run, and says why.
				res := blockprobe(t, "run", "--target", url, "--loop-stats", agent, "--duration", "1s",
					"--expect", "starved", "--expect", "loop.slowest_stall<100ms", "--format", "json", "--output", saved)
				if res.code != 1 || !strings.Contains(res.stderr, "expected loop.slowest_stall<100ms, measured") || strings.Contains(res.stderr, "expected starved") {
					t.Fatalf("exit %d, want 1 for the loop expectation alone; stderr %s", res.code, res.stderr)
				}
				data := readFile(t, saved)
				l := loopOfJSON(t, string(data))
				if l.Source != "agent" || l.Agent == nil || l.Agent.Pid == 0 || l.Agent.Polls == 0 || l.Lost != "" {
					t.Errorf("loop source %q, agent %+v, lost %q", l.Source, l.Agent, l.Lost)
				}
				found := false
				for _, s := range l.Stalls {
					if s.DurationMs > 400 && s.Handler == ex.handler && len(s.Frames) > 0 &&
						s.Frames[0].File == ex.file && s.Frames[0].Line > 0 && strings.Contains(s.Frames[0].Code, ex.code) {
						found = true
					}
				}
				if !found || l.StallsOver < 1 || l.SlowestCallbackMs < 400 {
					t.Errorf("no stall of ~600ms in %s at %s `%s`: %+v", ex.handler, ex.file, ex.code, l)
				}
				text := runIn(t, "", []string{"report", saved})
				var line string
				for _, ln := range strings.Split(text.stdout, "\n") {
					if strings.HasPrefix(ln, "Loop") {
						line = ln
						break
					}
				}
				if !strings.Contains(line, ex.handler) || !strings.Contains(line, ex.file+":") || !strings.Contains(line, ex.code) {
					t.Errorf("the saved report's Loop line %q does not name %s at %s `%s`", line, ex.handler, ex.file, ex.code)
				}
			})
			t.Run("async", func(t *testing.T) {
				srv := startUnderAgent(t, ex.cmd("async"))
				url, agent := srv.URL, srv.Agent
				// A busy machine can delay a probe by tens of ms; the blocking
				// form holds each probe for ~600ms.
				res := blockprobe(t, "run", "--target", url, "--loop-stats", agent, "--duration", "1s", "--starve-threshold", "250ms",
					"--expect", "not-starved", "--expect", "loop.stalls==0", "--format", "json")
				if res.code != 0 {
					t.Fatalf("exit %d, want not starved and no stall over %sms; stderr %s\n%.3000s", res.code, agentThreshold, res.stderr, res.stdout)
				}
				if l := loopOfJSON(t, res.stdout); l.Source != "agent" || len(l.Stalls) != 0 {
					t.Errorf("async: loop %+v, want the agent's, with no stall", l)
				}
			})
		})
	}
}

// A server that dies mid-run takes its agent with it: the run still ends
// in a report, which says when the agent was lost.
func TestLoopAgentLostMidRun(t *testing.T) {
	if err := havePythonTornado(); err != nil {
		t.Skipf("tornado is not installed here (%v); .ci/run installs it", err)
	}
	srv := startUnderAgent(t, agentExamples[0].cmd("blocking"))
	url, agent := srv.URL, srv.Agent
	time.AfterFunc(1500*time.Millisecond, func() { _ = syscall.Kill(srv.Pid, syscall.SIGKILL) })
	res := blockprobe(t, "run", "--target", url, "--loop-stats", agent, "--duration", "3s", "--timeout", "2s", "--format", "json")
	if res.code != 0 && res.code != 1 && res.code != 3 {
		t.Fatalf("exit %d; stderr %s", res.code, res.stderr)
	}
	l := loopOfJSON(t, res.stdout)
	if l.Agent == nil || l.Agent.Polls == 0 || !strings.Contains(l.Lost, "stopped answering") {
		t.Errorf("loop agent %+v, lost %q: want answers, then a note that it stopped", l.Agent, l.Lost)
	}
	if len(l.Stalls) == 0 || l.Stalls[0].Handler != "BlockingComplexHandler.get" {
		t.Errorf("stalls %+v: want the block seen before the server died", l.Stalls)
	}
}
