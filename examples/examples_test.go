// Package examples holds example event-loop servers written in other
// languages; this test starts each one and checks the contract README.md
// promises: the flags, the printed address, the two handlers, and whether
// ComplexHandler blocks MainHandler in each mode.
package examples

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
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
	if err := exec.Command("/usr/bin/python3", "-c", "import tornado").Run(); err == nil {
		out = append(out, server{"tornado", []string{"/usr/bin/python3", "tornado/server.py"}})
	} else {
		t.Logf("skipping tornado: /usr/bin/python3 cannot import tornado (apt-get install -y python3-tornado)")
	}
	if node, err := exec.LookPath("node"); err == nil {
		out = append(out, server{"node", []string{node, "node/server.js"}})
	} else {
		t.Logf("skipping node: not on PATH")
	}
	return out
}

// start runs srv with args, waits for its "listening on URL" line and
// returns the URL. The server gets SIGTERM at the end of the test and must
// then exit with status 0.
func start(t *testing.T, srv server, args ...string) string {
	t.Helper()
	cmd := exec.Command(srv.argv[0], append(srv.argv[1:], args...)...)
	var stderr bytes.Buffer // read only after Wait
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", srv.name, err)
	}
	exited := make(chan error, 1)
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- line
		_, _ = io.Copy(io.Discard, stdout)
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("%s after SIGTERM: %v, want exit status 0", srv.name, err)
			}
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
			t.Errorf("%s did not exit within 10s of SIGTERM", srv.name)
		}
		if t.Failed() {
			t.Logf("%s stderr:\n%s", srv.name, stderr.String())
		}
	})
	select {
	case line := <-lines:
		url, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
		if !ok || !strings.HasPrefix(url, "http://127.0.0.1:") {
			t.Fatalf("%s printed %q, want listening on http://127.0.0.1:PORT", srv.name, line)
		}
		return url
	case <-time.After(10 * time.Second):
		t.Fatalf("%s printed no address within 10s", srv.name)
		return ""
	}
}

func fetch(t *testing.T, c *http.Client, url string) (int, string, time.Duration) {
	t.Helper()
	begin := time.Now()
	resp, err := c.Get(url)
	if err != nil {
		t.Errorf("GET %s: %v", url, err)
		return 0, "", time.Since(begin)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), time.Since(begin)
}

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
