package probe

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blockprobe/blockprobe/target"
)

// hostileServer answers every request on a raw TCP listener with reply,
// which may misbehave in any way, and returns its base URL.
func hostileServer(t *testing.T, reply func(c net.Conn, done <-chan struct{})) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	done := make(chan struct{})
	t.Cleanup(func() {
		close(done)
		ln.Close()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				go func() { <-done; c.Close() }()
				reply(c, done)
			})
		}
	})
	return "http://" + ln.Addr().String()
}

// readRequest reads one request's head from c.
func readRequest(c net.Conn) bool {
	_, err := http.ReadRequest(bufio.NewReader(c))
	return err == nil
}

// peakHeap samples the heap in use while f runs and returns the largest.
func peakHeap(f func()) uint64 {
	stop := make(chan struct{})
	peak := make(chan uint64)
	go func() {
		var top uint64
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			top = max(top, ms.HeapInuse)
			select {
			case <-stop:
				peak <- top
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	f()
	close(stop)
	return <-peak
}

func TestHostileBodies(t *testing.T) {
	// The first answer is a good one, so the warm-up passes and the
	// scenario meets the hostile answers under load.
	chunk := fmt.Sprintf("%x\r\n%s\r\n", 64<<10, strings.Repeat("x", 64<<10))
	cases := []struct {
		name  string
		reply func(c net.Conn, done <-chan struct{})
	}{
		{"huge content-length", func(c net.Conn, done <-chan struct{}) {
			fmt.Fprint(c, "HTTP/1.1 200 OK\r\nContent-Length: 100000000000\r\n\r\n")
			<-done
		}},
		{"endless chunked body", func(c net.Conn, _ <-chan struct{}) {
			fmt.Fprint(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
			for end := time.Now().Add(3 * time.Second); time.Now().Before(end); {
				if _, err := fmt.Fprint(c, chunk); err != nil {
					return
				}
			}
		}},
	}
	for _, tc := range cases {
		for _, client := range []string{"fasthttp", "net/http"} {
			t.Run(tc.name+"/"+client, func(t *testing.T) {
				var n sync.Mutex
				first := true
				base := hostileServer(t, func(c net.Conn, done <-chan struct{}) {
					for readRequest(c) {
						n.Lock()
						good := first
						first = false
						n.Unlock()
						if !good {
							tc.reply(c, done)
							return
						}
						fmt.Fprint(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
					}
				})
				o := Options{
					MainURL: base + "/", ComplexURL: base + "/complex",
					Concurrency: 2, Duration: 300 * time.Millisecond, Rate: 20,
					Timeout: 2 * time.Second, MaxBody: 1 << 20,
				}
				if client == "net/http" {
					o.Client = NewClient(4, o.Timeout, false)
				}
				var res *Result
				var err error
				begin := time.Now()
				heap := peakHeap(func() { res, err = Run(context.Background(), o) })
				if err != nil {
					t.Fatal(err)
				}
				if took := time.Since(begin); took > 10*time.Second {
					t.Errorf("run took %v", took)
				}
				if heap > 200<<20 {
					t.Errorf("heap in use peaked at %d MB", heap>>20)
				}
				tooLarge := res.MainBaseline.ErrorsByClass[string(ErrTooLarge)] + res.MainLoaded.ErrorsByClass[string(ErrTooLarge)] + res.ComplexLoaded.ErrorsByClass[string(ErrTooLarge)]
				if tooLarge == 0 {
					t.Errorf("no request counted as %s: baseline %v, main %v, complex %v", ErrTooLarge,
						res.MainBaseline.ErrorsByClass, res.MainLoaded.ErrorsByClass, res.ComplexLoaded.ErrorsByClass)
				}
			})
		}
	}
}

// TestTLSHandshakeStallIsBoundedByTimeout: a server that accepts and never
// completes the handshake costs a request its timeout, not forever.
func TestTLSHandshakeStallIsBoundedByTimeout(t *testing.T) {
	base := hostileServer(t, func(_ net.Conn, done <-chan struct{}) { <-done })
	base = "https" + strings.TrimPrefix(base, "http")
	for _, client := range []string{"fasthttp", "net/http"} {
		t.Run(client, func(t *testing.T) {
			o := Options{
				MainURL: base + "/", ComplexURL: base + "/complex",
				Concurrency: 1, Duration: 100 * time.Millisecond, Rate: 10,
				Timeout: 300 * time.Millisecond,
			}
			if client == "net/http" {
				o.Client = NewClient(4, o.Timeout, false)
			}
			done := make(chan error, 1)
			go func() { _, err := Run(context.Background(), o); done <- err }()
			select {
			case err := <-done:
				if err == nil {
					t.Fatal("a target that never finished the handshake was called reachable")
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the run hung on a TLS handshake that never completes")
			}
		})
	}
}

// TestMalformedAnswersAreTheTargets: an answer that is not HTTP, or too
// long to read, is the target's failure, classed apart from a connection
// that never came, with either client; at the warm-up it is not called
// "unreachable".
func TestMalformedAnswersAreTheTargets(t *testing.T) {
	answers := map[string]string{
		"not http":          "garbage\r\n\r\n",
		"bad status":        "HTTP/1.1 abc OK\r\n\r\n",
		"bad length":        "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
		"broken chunking":   "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n",
		"huge body":         "HTTP/1.1 200 OK\r\nContent-Length: 100000000000\r\n\r\n",
		"kilobytes of junk": "HTTP/1.1 200 OK\r\nX: " + strings.Repeat("\x01", 3000) + "\r\n\r\n",
	}
	for name, answer := range answers {
		for _, client := range []string{"fasthttp", "net/http"} {
			t.Run(name+"/"+client, func(t *testing.T) {
				base := hostileServer(t, func(c net.Conn, _ <-chan struct{}) {
					if readRequest(c) {
						fmt.Fprint(c, answer)
					}
				})
				o := Options{MainURL: base + "/", ComplexURL: base + "/complex", Concurrency: 1,
					Duration: 50 * time.Millisecond, Rate: 10, Timeout: 2 * time.Second}
				if client == "net/http" {
					o.Client = NewClient(2, o.Timeout, false)
				}
				_, err := Run(context.Background(), o)
				if !errors.Is(err, ErrInvalidAnswer) || errors.Is(err, ErrUnreachable) {
					t.Errorf("warm-up error %v, want %v", err, ErrInvalidAnswer)
				}
				if err != nil && len(err.Error()) > 400 {
					t.Errorf("the error quotes %d bytes of the target's answer", len(err.Error()))
				}
			})
		}
	}
}

// TestBaselineBacksOffADeadTarget: a target that dies after the warm-up is
// not sent thousands of futile baseline requests.
func TestBaselineBacksOffADeadTarget(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		c, err := ln.Accept()
		ln.Close() // dies after its first answer: every later dial is refused
		if err == nil {
			readRequest(c)
			fmt.Fprint(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
			c.Close()
		}
	}()
	base := "http://" + ln.Addr().String()
	o := Options{MainURL: base + "/", ComplexURL: base + "/complex", Baseline: 100_000, Concurrency: 1,
		Duration: 100 * time.Millisecond, Rate: 10, Timeout: time.Second}
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if n := res.MainBaseline.Count; n > 20 {
		t.Errorf("%d baseline requests sent to a dead target (%v)", n, res.MainBaseline.ErrorsByClass)
	}
	if res.MainBaseline.ErrorsByClass[string(ErrRefused)] == 0 {
		t.Errorf("baseline errors %v, want refusals", res.MainBaseline.ErrorsByClass)
	}
}

// stallingPacer schedules a probe every 10ms and stalls the generator for
// stall when it reaches probe number at, as a starved CPU would.
type stallingPacer struct {
	at    uint64
	stall time.Duration
	n     uint64
}

func (p stallingPacer) Next(hits uint64) (time.Duration, bool) {
	if hits == p.at {
		time.Sleep(p.stall)
	}
	return time.Duration(hits) * 10 * time.Millisecond, hits < p.n
}

// TestGeneratorBehindIsNotTheTargets: probes the generator could not send
// in time are not sent late, not counted as the target's stalls, and
// withdraw the verdict.
func TestGeneratorBehindIsNotTheTargets(t *testing.T) {
	base := startTarget(t, target.Config{Mode: target.Async, ComplexDelay: 100 * time.Millisecond})
	o := options(base, 300*time.Millisecond)
	o.Timeout = 100 * time.Millisecond
	o.Pacer = stallingPacer{at: 3, stall: 400 * time.Millisecond, n: 25}
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	behind := res.MainLoaded.ErrorsByClass[string(ErrBehind)]
	if behind == 0 {
		t.Fatalf("no probe counted %s: %v", ErrBehind, res.MainLoaded.ErrorsByClass)
	}
	if res.Verdict.Conclusive || res.Verdict.Stalled >= behind || !strings.Contains(res.Verdict.Reason, "generator fell behind") {
		t.Errorf("verdict %+v after %d probes were left unsent", res.Verdict, behind)
	}
	for _, rec := range res.Records {
		if rec.Err == ErrBehind && rec.Start != rec.Fired {
			t.Errorf("an unsent probe has a send time: %+v", rec)
		}
	}
}
