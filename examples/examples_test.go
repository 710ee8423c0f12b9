// Package examples holds example event-loop servers written in other
// languages; this test starts each one and checks the contract README.md
// promises: the flags, the printed address, the two handlers, and whether
// ComplexHandler blocks MainHandler in each mode.
package examples

import (
	"net/http"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/blockprobe/blockprobe/internal/child"
	"github.com/blockprobe/blockprobe/internal/loopback"
)

const mainBody = "[MainHandler] Hello, world"

// server is one example server and how to run it.
type server struct {
	name string
	argv []string // the command, without the flags the test adds
}

// servers returns the example servers whose runtime is installed.
func servers(t *testing.T) []server {
	var out []server
	// Debian's python3-tornado installs for the system interpreter, which
	// need not be the first python3 on PATH.
	if err := child.Tornado(""); err == nil {
		out = append(out, server{"tornado", []string{child.Python, "tornado/server.py"}})
	} else {
		t.Logf("skipping tornado: %v (apt-get install -y python3-tornado)", err)
	}
	if err := child.Node(); err == nil {
		out = append(out, server{"node", []string{"node", "node/server.js"}})
	} else {
		t.Logf("skipping node: %v", err)
	}
	return out
}

// start runs srv with args, waits for its "listening on URL" line and
// returns the URL. The server gets SIGTERM at the end of the test and must
// then exit with status 0.
func start(t *testing.T, srv server, args ...string) string {
	t.Helper()
	url, _ := launch(t, srv, args...)
	return url
}

// launch is start that also returns the server's process ID.
func launch(t *testing.T, srv server, args ...string) (string, int) {
	t.Helper()
	s := child.Start(t, exec.Command(srv.argv[0], append(srv.argv[1:], args...)...), child.Options{Graceful: true})
	return s.URL, s.Pid
}

// fetch fetches url: a test's GET, timed.
var fetch = loopback.Get

// While one ComplexHandler request works, MainHandler waits for it only in
// blocking mode.
func TestExampleServers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Python and Node processes")
	}
	const delay = 800 * time.Millisecond
	for _, srv := range servers(t) {
		for _, mode := range []string{"blocking", "async", "pooled"} {
			t.Run(srv.name+"/"+mode, func(t *testing.T) {
				t.Parallel()
				url := start(t, srv, "--mode", mode, "--port", "0", "--delay", strconv.FormatFloat(delay.Seconds(), 'f', -1, 64), "--pool", "2")
				tr := &http.Transport{}
				defer tr.CloseIdleConnections()
				c := &http.Client{Transport: tr, Timeout: 10 * time.Second}

				if status, body, _ := fetch(t, c, url+"/"); status != http.StatusOK || body != mainBody {
					t.Fatalf("GET / answered %d %q", status, body)
				}
				sent := time.Now()
				complexDone := make(chan string, 1)
				go func() {
					_, body, _ := fetch(t, c, url+"/complex")
					complexDone <- body
				}()
				time.Sleep(200 * time.Millisecond) // let the slow request reach the loop
				remaining := delay - time.Since(sent)
				_, _, took := fetch(t, c, url+"/")
				if mode == "blocking" && took < remaining/2 {
					t.Errorf("GET / took %v with %v of ComplexHandler's sleep left, want it to wait", took, remaining)
				}
				if mode != "blocking" && took > remaining/2 {
					t.Errorf("GET / took %v with %v of ComplexHandler's sleep left, want it answered at once", took, remaining)
				}
				if body := <-complexDone; !strings.HasPrefix(body, "[ComplexHandler]") {
					t.Errorf("GET /complex answered %q", body)
				}
				if d := time.Since(sent); d < delay*9/10 {
					t.Errorf("GET /complex answered after %v, before its %v of work", d, delay)
				}
			})
		}
	}
}

// tornado returns the Tornado example, skipping the test when it cannot run.
func tornado(t *testing.T) server {
	t.Helper()
	if testing.Short() {
		t.Skip("starts Python processes")
	}
	for _, srv := range servers(t) {
		if srv.name == "tornado" {
			return srv
		}
	}
	t.Skip("needs Tornado for " + child.Python)
	return server{}
}

// The Tornado example's CPU work holds what sleep releases: on the loop it
// blocks MainHandler for the whole computation; in a thread it costs
// MainHandler about one GIL switch interval; in a process, nothing.
func TestTornadoCPUWork(t *testing.T) {
	srv := tornado(t)
	const delay = 1500 * time.Millisecond
	const probeGap = 150 * time.Millisecond // more than the 100ms switch interval
	cases := []struct {
		name     string
		args     []string
		min, max time.Duration // MainHandler's median while the work runs
	}{
		// CPU time on a busy host can take several times as long in wall time.
		{"blocking: the loop computes", []string{"--mode", "blocking"}, 700 * time.Millisecond, 10 * delay},
		{"async: nothing to await", []string{"--mode", "async"}, 700 * time.Millisecond, 10 * delay},
		// A long switch interval keeps the two pool cases apart by more
		// than a busy host's scheduling delays (tens of ms).
		{"thread: waits for the GIL", []string{"--mode", "pooled", "--switch-interval", "100ms"}, 60 * time.Millisecond, 1200 * time.Millisecond},
		{"process: a GIL of its own", []string{"--mode", "pooled", "--executor", "process", "--switch-interval", "100ms"}, 0, 50 * time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"--port", "0", "--work", "cpu", "--pool", "1",
				"--delay", strconv.FormatFloat(delay.Seconds(), 'f', -1, 64)}, tc.args...)
			url, pid := launch(t, srv, args...)
			tr := &http.Transport{}
			defer tr.CloseIdleConnections()
			c := &http.Client{Transport: tr, Timeout: 20 * delay}
			fetch(t, c, url+"/") // a warm connection
			begun := computing(t, pid, 100*time.Millisecond)
			complexDone := make(chan time.Duration, 1)
			go func() {
				_, _, took := fetch(t, c, url+"/complex")
				complexDone <- took
			}()
			// On a busy host the server may read /complex late: probes
			// before the work begins would measure an idle server.
			await(t, "ComplexHandler's computation", 20*delay, begun)
			started := time.Now()
			var took []time.Duration
			for len(took) < 3 && time.Since(started) < delay/2 {
				if len(took) > 0 {
					// Back to back, the loop thread can take the GIL back
					// on its way out of epoll before the worker has woken
					// to take it: CPython's GIL is not fair, and on a busy
					// host the second and third probes slipped through.
					// A pause longer than the switch interval lets the
					// worker hold the GIL again, as it does when a probe
					// of an open-loop stream arrives.
					time.Sleep(probeGap)
				}
				_, body, d := fetch(t, c, url+"/")
				if body != mainBody {
					t.Errorf("GET / answered %q", body)
				}
				took = append(took, d)
			}
			slices.Sort(took)
			if m := took[len(took)/2]; m < tc.min || m > tc.max {
				t.Errorf("GET / took %v (median of %v) while ComplexHandler computed, want %v to %v", m, took, tc.min, tc.max)
			}
			// CPU time, not wall time, bounds the work: it cannot end sooner.
			if d := <-complexDone; d < delay*9/10 {
				t.Errorf("GET /complex answered after %v, before its %v of CPU time", d, delay)
			}
		})
	}
}

// The flags the fidelity bench relies on are checked like the others.
func TestTornadoRejectsBadFlags(t *testing.T) {
	srv := tornado(t)
	for _, args := range [][]string{
		{"--work", "io"},
		{"--executor", "fiber"},
		{"--switch-interval", "0"},
		{"--switch-interval", "soon"},
	} {
		cmd := exec.Command(srv.argv[0], append(srv.argv[1:], args...)...)
		out, err := cmd.CombinedOutput()
		if code, err := child.ExitCode(err); code != 2 {
			t.Errorf("%v: exit %d (%v), want exit status 2\n%s", args, code, err, out)
		}
	}
}
