package target

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// Hostile clients, over real loopback sockets. Whatever one client does to
// its own connection, the loop must keep answering everyone else: in the
// target, as in Tornado or Node, connections are read off the loop, and only
// a handler's callback may hold it.

// fastBound is how long an unloaded GET / may take under the race detector
// on a busy CI machine; it answers in well under a millisecond normally.
const fastBound = 300 * time.Millisecond

// dialRaw opens a plain TCP connection to srv, closed at the test's end.
func dialRaw(t *testing.T, srv *Server) net.Conn {
	t.Helper()
	conn, err := net.DialTimeout("tcp", srv.Addr().String(), 2*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", srv.Addr(), err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// mainAnswersFast checks that n GET / in a row are each answered correctly
// within fastBound.
func mainAnswersFast(t *testing.T, c *http.Client, srv *Server, n int, while string) {
	t.Helper()
	for range n {
		status, body, took := get(t, c, srv.URL()+MainPath)
		if status != http.StatusOK || body != MainBody {
			t.Fatalf("%s: GET / answered %d %q", while, status, body)
		}
		if took > fastBound {
			t.Errorf("%s: GET / took %v, want < %v", while, took, fastBound)
		}
	}
}

// resetOnClose makes Close send a TCP RST instead of a FIN, as a client
// that crashes or is killed does.
func resetOnClose(t *testing.T, conn net.Conn) {
	t.Helper()
	if err := conn.(*net.TCPConn).SetLinger(0); err != nil {
		t.Fatalf("SetLinger: %v", err)
	}
}

// noGoroutinesBeyond fails the test if goroutines other than those in base
// (goleak.IgnoreCurrent, taken earlier) are still running. Client
// connections must be closed first; goleak retries while they wind down.
func noGoroutinesBeyond(t *testing.T, base goleak.Option, what string) {
	t.Helper()
	if err := goleak.Find(base); err != nil {
		t.Errorf("%s left goroutines behind:\n%v", what, err)
	}
}

// serverStopsAnswering waits up to limit for the loop to run no more than
// its own heartbeats over 100ms, and reports whether it did.
func serverStopsAnswering(srv *Server, limit time.Duration) bool {
	const window = 100 * time.Millisecond
	quiet := uint64(2 * window / HeartbeatInterval)
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); {
		before := srv.Stats().Callbacks
		time.Sleep(window)
		if srv.Stats().Callbacks-before <= quiet {
			return true
		}
	}
	return false
}

// statusOf reads one response from r, or returns 0 with the error.
func statusOf(r *bufio.Reader) (int, error) {
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// Requests net/http refuses before they reach the loop are answered with the
// status a client can act on, and the connection is closed.
func TestHostileMalformedRequests(t *testing.T) {
	srv, c := startTarget(t, Config{})
	cases := []struct {
		name    string
		request string
		status  int
	}{
		{"request line without a version", "GET /\r\n\r\n", http.StatusBadRequest},
		{"request line of one word", "HELLO\r\n\r\n", http.StatusBadRequest},
		{"method with a forbidden byte", "GE(T / HTTP/1.1\r\nHost: x\r\n\r\n", http.StatusBadRequest},
		{"binary garbage", "\x00\x01\x02\xff\xfe\r\n\r\n", http.StatusBadRequest},
		{"header line without a colon", "GET / HTTP/1.1\r\nHost: x\r\nnot a header\r\n\r\n", http.StatusBadRequest},
		{"HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n", http.StatusBadRequest},
		{"unknown HTTP version", "GET / HTTP/9.9\r\nHost: x\r\n\r\n", http.StatusHTTPVersionNotSupported},
		{"one oversized header", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("x", 64<<10) + "\r\n\r\n",
			http.StatusRequestHeaderFieldsTooLarge},
		{"thousands of small headers", "GET / HTTP/1.1\r\nHost: x\r\n" + strings.Repeat("X-Many: y\r\n", 4000) + "\r\n",
			http.StatusRequestHeaderFieldsTooLarge},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			conn := dialRaw(t, srv)
			_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
			if _, err := io.WriteString(conn, tc.request); err != nil {
				t.Fatalf("write: %v", err)
			}
			r := bufio.NewReader(conn)
			status, err := statusOf(r)
			if err != nil {
				t.Fatalf("reading the answer: %v", err)
			}
			if status != tc.status {
				t.Errorf("status %d, want %d", status, tc.status)
			}
			if _, err := r.ReadByte(); err == nil {
				t.Errorf("the connection stayed open after a %d", status)
			}
		})
	}
	mainAnswersFast(t, c, srv, 3, "after malformed requests")
}

// A slowloris client opens a request and never finishes its headers, slowly
// or not at all. The loop never sees it, and the header timeout closes the
// connection even when bytes keep trickling in.
func TestHostileSlowloris(t *testing.T) {
	const headerTimeout = 400 * time.Millisecond
	cases := []struct {
		name    string
		trickle time.Duration // 0: send nothing more after the partial line
	}{
		{"stalls", 0},
		{"trickles a byte every 50ms", 50 * time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := startTarget(t, Config{Mode: Blocking, ReadHeaderTimeout: headerTimeout})
			conn := dialRaw(t, srv)
			start := time.Now()
			if _, err := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: "); err != nil {
				t.Fatalf("write: %v", err)
			}
			var trickling sync.WaitGroup
			if tc.trickle > 0 {
				trickling.Go(func() {
					for {
						time.Sleep(tc.trickle)
						if _, err := io.WriteString(conn, "z"); err != nil {
							return // the server closed the connection
						}
					}
				})
			}
			mainAnswersFast(t, c, srv, 3, "while a slowloris client holds a connection")

			_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			got, err := io.ReadAll(conn)
			closedAfter := time.Since(start)
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("the server kept the slowloris connection open for %v", closedAfter)
			}
			conn.Close()
			trickling.Wait()
			if len(got) > 0 && !strings.HasPrefix(string(got), "HTTP/1.1 408") {
				t.Errorf("the server answered the unfinished request: %q", got)
			}
			if closedAfter < headerTimeout*3/4 || closedAfter > headerTimeout+2*time.Second {
				t.Errorf("connection closed after %v, want about the %v header timeout", closedAfter, headerTimeout)
			}
			mainAnswersFast(t, c, srv, 1, "after the slowloris connection was closed")
		})
	}
}

// Thousands of connections that send nothing cost the server a goroutine
// each, off the loop, and the loop an accept and a read that finds nothing,
// as in a real event loop; once it has taken them in, GET / is answered as
// fast as on an idle server.
func TestHostileIdleConnections(t *testing.T) {
	const idle = 2000
	srv, c := startTarget(t, Config{})
	conns := make([]net.Conn, 0, idle)
	// Registered after startTarget, so it runs before the server's shutdown,
	// which would otherwise wait for these connections to go idle.
	t.Cleanup(func() {
		for _, conn := range conns {
			conn.Close()
		}
	})
	for range idle {
		conn, err := net.DialTimeout("tcp", srv.Addr().String(), 2*time.Second)
		if err != nil {
			t.Fatalf("dial idle connection %d of %d: %v", len(conns)+1, idle, err)
		}
		conns = append(conns, conn)
	}
	for deadline := time.Now().Add(20 * time.Second); ; { // the loop takes them in
		if _, _, took := get(t, c, srv.URL()+MainPath); took < fastBound {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET / still slow 20s after 2000 idle connections opened")
		}
	}
	mainAnswersFast(t, c, srv, 20, "with 2000 idle connections open")
}

// A client that asks for /complex and leaves before the answer holds no
// goroutine while its continuation is pending, and when the timer fires the
// continuation runs on the loop without stalling it.
func TestHostileClientLeavesBeforeTheAnswer(t *testing.T) {
	const delay = time.Second
	for _, leave := range []struct {
		name  string
		reset bool
	}{{"closes", false}, {"resets", true}} {
		t.Run(leave.name, func(t *testing.T) {
			srv, c := startTarget(t, Config{Mode: Async, ComplexDelay: delay})
			mainAnswersFast(t, c, srv, 1, "before")
			c.CloseIdleConnections()
			base := goleak.IgnoreCurrent()

			conn := dialRaw(t, srv)
			sent := time.Now()
			if _, err := io.WriteString(conn, "GET /complex HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
				t.Fatalf("write: %v", err)
			}
			time.Sleep(50 * time.Millisecond) // let the request reach the loop
			if leave.reset {
				resetOnClose(t, conn)
			}
			conn.Close()

			mainAnswersFast(t, c, srv, 3, "after the client left")
			c.CloseIdleConnections()
			noGoroutinesBeyond(t, base, "an abandoned async request")
			if time.Since(sent) > delay {
				t.Logf("checked goroutines only after the timer fired (%v); the check proved less", time.Since(sent))
			}

			for time.Since(sent) < delay+100*time.Millisecond {
				time.Sleep(20 * time.Millisecond)
			}
			mainAnswersFast(t, c, srv, 3, "after the continuation of the abandoned request ran")
		})
	}
}

// A client that asks for answers, stops reading in the middle of one and
// then vanishes stalls only its own connection: answers are written off the
// loop, so a server stuck writing to that client still serves everyone else.
func TestHostileClientLeavesMidResponse(t *testing.T) {
	const chunk = 200 // pipelined requests per write
	srv, c := startTarget(t, Config{})
	mainAnswersFast(t, c, srv, 1, "before")
	c.CloseIdleConnections()
	base := goleak.IgnoreCurrent()

	conn := dialRaw(t, srv)
	_ = conn.(*net.TCPConn).SetReadBuffer(4 << 10)
	requests := strings.Repeat("GET / HTTP/1.1\r\nHost: x\r\n\r\n", chunk)
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(conn, requests); err != nil {
		t.Fatalf("write: %v", err)
	}
	if _, err := io.ReadFull(conn, make([]byte, 20)); err != nil {
		t.Fatalf("reading the start of the first answer: %v", err)
	}
	// Keep asking, never reading, until the socket buffers are full; then
	// wait until the server, its answers unread, is stuck writing and stops
	// running callbacks for this connection.
	for range 1000 {
		_ = conn.SetWriteDeadline(time.Now().Add(300 * time.Millisecond))
		_, err := io.WriteString(conn, requests)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			break
		}
		if err != nil {
			t.Fatalf("write: %v", err)
		}
	}
	if !serverStopsAnswering(srv, 10*time.Second) {
		t.Logf("the server never stopped answering the client that does not read (socket buffers large enough)")
	}
	mainAnswersFast(t, c, srv, 5, "while a server goroutine is stuck writing to a client that stopped reading")

	resetOnClose(t, conn)
	conn.Close()
	mainAnswersFast(t, c, srv, 3, "after the client vanished mid-response")
	c.CloseIdleConnections()
	noGoroutinesBeyond(t, base, "a client gone mid-response")
}

// A client that sends its request and then half-closes the connection
// (shutdown(SHUT_WR): "I will send no more") still reads the answer. net/http
// sees the EOF and cancels the request's context; the client must get the
// real answer anyway, as Tornado and Node give it, and never an empty 200
// that no handler wrote, even while its request waits behind a blocked loop.
func TestHostileHalfClosedClientGetsTheRealAnswer(t *testing.T) {
	const delay = 300 * time.Millisecond
	cases := []struct {
		name   string
		mode   Mode
		block  bool // a blocking ComplexHandler holds the loop first
		method string
		path   string
		status int
		body   string
	}{
		{"GET / behind a blocked loop", Blocking, true, http.MethodGet, MainPath, http.StatusOK, MainBody},
		{"HEAD / behind a blocked loop", Blocking, true, http.MethodHead, MainPath, http.StatusOK, ""},
		{"unknown path behind a blocked loop", Blocking, true, http.MethodGet, "/nope", http.StatusNotFound, string(notFoundBody)},
		{"DELETE /complex behind a blocked loop", Blocking, true, http.MethodDelete, ComplexPath, http.StatusMethodNotAllowed, string(notAllowed)},
		{"GET /debug/loop while the loop is blocked", Blocking, true, http.MethodGet, DebugPath, http.StatusOK, `"slowest_handler"`},
		{"GET /complex in async mode", Async, false, http.MethodGet, ComplexPath, http.StatusOK, "[ComplexHandler] done"},
	}
	for _, loop := range LoopKinds { // each parks the connection in its own way
		for _, tc := range cases {
			t.Run(string(loop)+"/"+tc.name, func(t *testing.T) {
				srv, c := startTarget(t, Config{Mode: tc.mode, Loop: loop, ComplexDelay: delay})
				if tc.block {
					done := inBackground(t, c, srv.URL()+ComplexPath, 1)
					t.Cleanup(func() { <-done })
					time.Sleep(50 * time.Millisecond) // let the complex request reach the loop
				}
				conn := dialRaw(t, srv)
				_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
				if _, err := io.WriteString(conn, tc.method+" "+tc.path+" HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
					t.Fatalf("write: %v", err)
				}
				if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
					t.Fatalf("half-close: %v", err)
				}
				r := bufio.NewReader(conn)
				resp, err := http.ReadResponse(r, &http.Request{Method: tc.method})
				if err != nil {
					t.Fatalf("reading the answer: %v", err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.body) || (tc.body == "" && len(body) > 0) {
					t.Errorf("answered %d %q, want %d with %q", resp.StatusCode, body, tc.status, tc.body)
				}
				if tc.status == http.StatusMethodNotAllowed && resp.Header.Get("Allow") == "" {
					t.Errorf("405 without an Allow header")
				}
				if extra, err := r.ReadByte(); err == nil {
					t.Errorf("bytes after the answer, starting %q", extra)
				}
			})
		}
	}
}

// A client that declares a body and never sends all of it keeps its request
// in flight past the handler: net/http reads the rest before it writes the
// answer. At the drain deadline Shutdown closes it, by about then, and
// counts it as cut off.
func TestHostileUnfinishedBodyIsCutOffAtShutdown(t *testing.T) {
	const drain = 100 * time.Millisecond
	srv, err := Start(Config{})
	if err != nil {
		t.Fatal(err)
	}
	conn := dialRaw(t, srv)
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789"); err != nil {
		t.Fatalf("write: %v", err)
	}
	time.Sleep(50 * time.Millisecond) // let the handler answer and net/http wait for the body
	if cut := shutdownPastDeadline(t, srv, drain); cut.CutOff != 1 || cut.Answered503 != 0 {
		t.Errorf("Shutdown: %v, want 1 request cut off and no 503", cut)
	}
	if got, _ := io.ReadAll(conn); len(got) > 0 {
		t.Errorf("the cut-off request got %q", got)
	}
}
