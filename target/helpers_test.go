package target

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/blockprobe/blockprobe/internal/loopback"
	"github.com/blockprobe/blockprobe/internal/loopdoc"
)

// startTarget starts a server for one test and shuts it down at its end.
func startTarget(t testing.TB, cfg Config) (*Server, *http.Client) {
	t.Helper()
	srv, err := Start(cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		tr.CloseIdleConnections()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		tr.CloseIdleConnections()
	})
	return srv, client
}

// get fetches url: a test's GET, timed.
var get = loopback.Get

// inBackground starts n GETs of url at once and returns a channel that
// yields each one's duration as it ends.
func inBackground(t testing.TB, c *http.Client, url string, n int) <-chan time.Duration {
	out := make(chan time.Duration, n)
	for range n {
		go func() {
			_, _, d := get(t, c, url)
			out <- d
		}()
	}
	return out
}

func collect(ch <-chan time.Duration, n int) []time.Duration {
	ds := make([]time.Duration, 0, n)
	for range n {
		ds = append(ds, <-ch)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// answer is what a client got for one request.
type answer struct {
	status int
	body   string
	close  bool // Connection: close
	err    error
}

// readAnswer reads one response to a request of method from r. It fails the
// test only if no response can be read; the caller checks what it says.
func readAnswer(t testing.TB, r *bufio.Reader, method string) answer {
	t.Helper()
	resp, err := http.ReadResponse(r, &http.Request{Method: method})
	if err != nil {
		t.Errorf("reading the answer to %s: %v", method, err)
		return answer{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, body: string(b), close: resp.Close, err: err}
}

// sendHalfClosed sends one request on a new connection, then half-closes it
// (shutdown SHUT_WR) as a client that will send nothing more does. It returns
// a reader of the answer.
func sendHalfClosed(t *testing.T, srv *Server, method, path string) *bufio.Reader {
	t.Helper()
	conn := dialRaw(t, srv)
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, method+" "+path+" HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatalf("write: %v", err)
	}
	if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatalf("half-close: %v", err)
	}
	return bufio.NewReader(conn)
}

// waitRefused waits until srv no longer accepts connections.
func waitRefused(t *testing.T, srv *Server) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		conn, err := net.DialTimeout("tcp", srv.Addr().String(), 100*time.Millisecond)
		if err != nil {
			return
		}
		conn.Close()
	}
	t.Fatalf("%s still accepts connections 2s into shutdown", srv.Addr())
}

// shutdownPastDeadline shuts srv down with drain to finish the requests in
// flight, which is not enough, and returns the *DrainError that says so. It
// fails the test if Shutdown returns anything else or takes much longer.
func shutdownPastDeadline(t *testing.T, srv *Server, drain time.Duration) *DrainError {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	start := time.Now()
	err := srv.Shutdown(ctx)
	if took := time.Since(start); took > drain+2*time.Second {
		t.Errorf("Shutdown took %v, want about its %v deadline", took, drain)
	}
	var cut *DrainError
	if !errors.As(err, &cut) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown: %v, want a *DrainError that wraps the deadline's", err)
	}
	return cut
}

// getDebug reads the target's GET /debug/loop into v and returns its body.
func getDebug(t testing.TB, c *http.Client, srv *Server, v any) string {
	t.Helper()
	status, body, _ := get(t, c, srv.URL()+DebugPath)
	if status != http.StatusOK {
		t.Fatalf("GET %s: status %d", DebugPath, status)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("decoding %s: %v\n%s", DebugPath, err, body)
	}
	return body
}

// lagBeats counts the heartbeats a lag histogram holds.
func lagBeats(h loopdoc.LagHistogram) uint64 {
	var beats uint64
	for _, n := range h.Counts {
		beats += n
	}
	return beats
}
