package cmd_test

import (
	"os/exec"
	"testing"

	"github.com/blockprobe/blockprobe/internal/child"
)

// Real event-loop servers, started by the test: blockprobe must reach the
// same verdicts against them as against the embedded modes. .ci/run installs
// what they need; elsewhere a missing interpreter skips the test.
func TestRealEventLoopServers(t *testing.T) {
	servers := []struct {
		name string
		cmd  func(mode string) *exec.Cmd
		have func() error
	}{
		{"tornado", func(mode string) *exec.Cmd {
			return exec.Command(child.Python, "../examples/tornado/server.py", "--mode", mode, "--port", "0", "--delay", "0.6")
		}, func() error { return child.Tornado("") }},
		{"node", func(mode string) *exec.Cmd {
			return exec.Command("node", "../examples/node/server.js", "--mode", mode, "--port", "0", "--delay", "0.6")
		}, child.Node},
	}
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			if err := srv.have(); err != nil {
				t.Skipf("%s is not installed here (%v); .ci/run installs it", srv.name, err)
			}
			for _, mode := range []string{"blocking", "async", "pooled"} {
				t.Run(mode, func(t *testing.T) {
					url := child.Start(t, srv.cmd(mode), child.Options{}).URL
					expect := "not-starved"
					if mode == "blocking" {
						expect = "starved"
					}
					res := blockprobe(t, "run", "--target", url, "--duration", "600ms", "--expect", expect, "--format", "json")
					if res.code != 0 {
						t.Fatalf("%s %s: exit %d, want %s; stderr %s", srv.name, mode, res.code, expect, res.stderr)
					}
					r := decode(t, res.stdout)
					if mode != "blocking" && r.Endpoints.Main.Loaded.P99 > 100 {
						t.Errorf("main p99 %.1fms, want far below the 600ms delay", r.Endpoints.Main.Loaded.P99)
					}
				})
			}
		})
	}
}
