package cmd_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"
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
			return exec.Command("/usr/bin/python3", "../examples/tornado/server.py", "--mode", mode, "--port", "0", "--delay", "0.6")
		}, func() error { return exec.Command("/usr/bin/python3", "-c", "import tornado").Run() }},
		{"node", func(mode string) *exec.Cmd {
			return exec.Command("node", "../examples/node/server.js", "--mode", mode, "--port", "0", "--delay", "0.6")
		}, func() error { _, err := exec.LookPath("node"); return err }},
	}
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			if err := srv.have(); err != nil {
				t.Skipf("%s is not installed here (%v); .ci/run installs it", srv.name, err)
			}
			for _, mode := range []string{"blocking", "async", "pooled"} {
				t.Run(mode, func(t *testing.T) {
					url := startExample(t, srv.cmd(mode))
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

// startExample starts an example server, waits for its "listening on URL"
// line and stops it when the test ends.
func startExample(t *testing.T, cmd *exec.Cmd) string {
	t.Helper()
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", filepath.Base(cmd.Path), err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if u := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`).FindStringSubmatch(sc.Text()); u != nil {
				found <- u[1]
				return
			}
		}
		found <- ""
	}()
	select {
	case u := <-found:
		if u == "" {
			t.Fatalf("%v exited without saying where it listens", cmd.Args)
		}
		return u
	case <-time.After(15 * time.Second):
		t.Fatal(fmt.Sprintf("%v did not start within 15s", cmd.Args))
		return ""
	}
}
