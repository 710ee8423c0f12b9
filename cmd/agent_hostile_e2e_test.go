package cmd_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blockprobe/blockprobe/internal/loopback"
)

// Hostile loop agents: whatever an agent at --loop-stats answers, the run
// ends with its report, what reaches the terminal is printable, and the
// report it writes can be read back.

// hostileAgent serves a loop document as an agent might (loopback.LoopAgent).
var hostileAgent = loopback.LoopAgent

// runUnderAgent runs blockprobe against a target that answers at once,
// with the loop agent at agent, writing the JSON report to a file; it
// returns the run's result, the report's path and report's text of it.
func runUnderAgent(t *testing.T, agent string, args ...string) (result, string, result) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "r.json")
	run := blockprobe(t, append([]string{"run", "--target", loopback.Answering(t), "--loop-stats", agent,
		"--duration", "400ms", "--baseline", "3", "--rate", "10", "--output", path}, args...)...)
	return run, path, blockprobe(t, "report", path)
}

// An agent's names reach the terminal, Markdown and job summaries as
// printable text: no escape sequence, no line of its own.
func TestAgentTextIsPrintable(t *testing.T) {
	agent := hostileAgent(t, `,"runtime":"evil\u001b[31m","stalls_total":1,"stalls":[{"start_ms":%[1]f,"duration_ms":100,`+
		`"handler":"H\u001b[2J\u001b]0;title\u0007\nFAKE verdict","request":"GET /x\r\nInjected: yes",`+
		`"frames":[{"file":"a\u009b31m.py","line":1,"function":"f\u202e","code":"x\ny"}]}]`)
	for _, format := range []string{"text", "markdown"} {
		t.Run(format, func(t *testing.T) {
			run := blockprobe(t, "run", "--target", loopback.Answering(t), "--loop-stats", agent,
				"--duration", "400ms", "--baseline", "3", "--rate", "10", "--format", format)
			if run.code != 0 {
				t.Fatalf("exit %d: %s", run.code, run.stderr)
			}
			for _, bad := range []string{"\x1b", "\x07", "\r", "\u009b", "\u202e", "\nFAKE verdict", "\nInjected", "\ny`"} {
				if strings.Contains(run.stdout+run.stderr, bad) {
					t.Errorf("the output carries the agent's %q:\n%s", bad, run.stdout)
				}
			}
			if !strings.Contains(run.stdout, `x1b`) {
				t.Errorf("the handler should be shown escaped:\n%s", run.stdout)
			}
		})
	}
}

// Numbers no loop has: the run still writes its report, and that report
// can be read back; the agent's answer is refused, and the report says why.
func TestAgentAbsurdNumbersLeaveAReadableReport(t *testing.T) {
	for _, tc := range []struct{ name, extra, lost string }{
		{"a clock at the end of floats", `,"now_ms":1.7e308,"stalls_total":1,"stalls":[{"start_ms":-1.7e308,"duration_ms":1e308,"handler":"h"}]`, "now_ms"},
		{"a stall longer than any time", `,"stalls_total":1,"stalls":[{"start_ms":%[1]f,"duration_ms":1e300,"handler":"h"}]`, "duration_ms"},
		{"a stall of negative length", `,"stalls_total":1,"stalls":[{"start_ms":%[1]f,"duration_ms":-50,"handler":"h"}]`, "duration_ms"},
		{"a negative pid", `,"pid":-1`, "pid"},
		{"a negative line", `,"stalls_total":1,"stalls":[{"start_ms":%[1]f,"duration_ms":50,"handler":"h","frames":[{"file":"f","line":-3}]}]`, "line"},
		{"a negative count of stalls", `,"stalls_total":-9000000000000000000`, "stalls_total"},
		{"a negative threshold", `,"threshold_ms":-5`, "threshold_ms"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run, path, again := runUnderAgent(t, hostileAgent(t, tc.extra))
			if run.code != 0 {
				t.Fatalf("the run exits %d: %s", run.code, run.stderr)
			}
			if again.code != 0 {
				t.Fatalf("report of the run's own report exits %d: %s", again.code, again.stderr)
			}
			b := readFile(t, path)
			var r struct {
				Loop *struct {
					Lost string `json:"lost"`
				} `json:"loop"`
			}
			if err := json.Unmarshal(b, &r); err != nil {
				t.Fatal(err)
			}
			if r.Loop == nil || !strings.Contains(r.Loop.Lost, tc.lost) {
				t.Errorf("loop %+v: want the answer refused, naming %s", r.Loop, tc.lost)
			}
		})
	}
}

// An agent that names its handler in megabytes costs the terminal and the
// report a kilobyte, and the report stays readable.
func TestAgentHugeTextIsClipped(t *testing.T) {
	agent := hostileAgent(t, `,"stalls_total":1,"stalls":[{"start_ms":%[1]f,"duration_ms":100,"handler":"`+strings.Repeat("H", 3<<20)+`"}]`)
	run, path, again := runUnderAgent(t, agent)
	if run.code != 0 || again.code != 0 {
		t.Fatalf("run exits %d, report of it %d: %s%s", run.code, again.code, run.stderr, again.stderr)
	}
	b := readFile(t, path)
	if long := strings.Repeat("H", 2048); strings.Contains(string(b), long) || strings.Contains(run.stdout, long) {
		t.Errorf("the report keeps the handler's megabytes")
	}
	if len(again.stdout) > 64<<10 {
		t.Errorf("the text report is %d bytes", len(again.stdout))
	}
}
