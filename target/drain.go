package target

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/blockprobe/blockprobe/internal/tick"
)

// Shutdown drains the server itself rather than with http.Server.Shutdown,
// which drops without a word every request it reads once shutdown has begun,
// even on a connection it accepted before, and at its deadline closes the
// connections still waiting for the loop with no answer at all.

// cutGrace bounds how long, once the drain deadline has passed, the 503s
// for the requests still waiting may take to be written before their
// connections are closed regardless.
const cutGrace = 200 * time.Millisecond

// drainPoll is how often a drain looks whether the requests are all answered.
const drainPoll = 5 * time.Millisecond

// DrainError is Shutdown's error when its deadline passed with requests in
// flight. It wraps the context's error.
type DrainError struct {
	// Answered503 counts the requests answered 503 with Connection: close
	// because the deadline passed before the loop answered them.
	Answered503 int
	// CutOff counts the requests whose connections were closed mid-request
	// or mid-answer: a body that never came, an answer the client did not
	// read within cutGrace, or a client that had gone.
	CutOff int
	Err    error
}

func (e *DrainError) Error() string {
	return fmt.Sprintf("requests in flight at the drain deadline: %d answered 503, %d cut off: %v",
		e.Answered503, e.CutOff, e.Err)
}

func (e *DrainError) Unwrap() error { return e.Err }

// shuttingDown is the answer to a request the server will not serve because
// it is shutting down.
var shuttingDown = &reply{status: http.StatusServiceUnavailable, body: abandonedBody}

// conns follows net/http's connections through their states (its ConnState
// hook), so that a drain can tell when every request has been answered, and
// counts the requests that the drain deadline cut.
type conns struct {
	mu       sync.Mutex
	open     map[net.Conn]*connState
	draining chan struct{} // closed when the drain begins
	cut      chan struct{} // closed when the drain deadline passes
	final    bool          // the drain is over: whatever is open gets closed

	answered503, cutOff int
}

type connState struct {
	state   http.ConnState
	counted bool // its request was cut and is counted
}

func newConns() *conns {
	return &conns{open: make(map[net.Conn]*connState), draining: make(chan struct{}), cut: make(chan struct{})}
}

// closeWhenDraining makes the answer being written close its connection
// once the drain has begun.
func (c *conns) closeWhenDraining(w http.ResponseWriter) {
	select {
	case <-c.draining:
		w.Header().Set("Connection", "close")
	default:
	}
}

// connKey is the context key under which a request finds its connection.
type connKey struct{}

// track is the http.Server's ConnState hook.
func (c *conns) track(conn net.Conn, st http.ConnState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch st {
	case http.StateHijacked:
		// Still busy until park hands it over (see handOver), so that no
		// drain finds it in neither place.
	case http.StateClosed:
		delete(c.open, conn)
	default:
		if e := c.open[conn]; e != nil {
			e.state = st
		} else {
			c.open[conn] = &connState{state: st}
		}
	}
}

// handOver forgets conn, taken over from net/http and now parked.
func (c *conns) handOver(conn net.Conn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.open, conn)
}

// busy reports whether a connection is reading a request or answering one.
// A new connection counts: a request may be on its way.
func (c *conns) busy() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.open {
		if e.state == http.StateNew || e.state == http.StateActive {
			return true
		}
	}
	return false
}

// counted records whether the 503 for r was written, unless the drain is
// over and r's connection has been counted already.
func (c *conns) counted(r *http.Request, written bool) {
	conn, _ := r.Context().Value(connKey{}).(net.Conn)
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.open[conn]
	if c.final || e == nil || e.counted {
		return
	}
	e.counted = true
	if written {
		c.answered503++
	} else {
		c.cutOff++
	}
}

// end marks the drain over and counts the requests still being answered as
// cut off; their connections are about to be closed. Connections that have
// read no request yet are not requests.
func (c *conns) end() (answered503, cutOff int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.final = true
	for _, e := range c.open {
		if e.state == http.StateActive && !e.counted {
			c.cutOff++
		}
	}
	return c.answered503, c.cutOff
}

// refuse answers r with a 503 and closes the connection: the server is
// shutting down. The write may take cutGrace.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Connection", "close")
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Now().Add(cutGrace))
	shuttingDown.write(w)
	s.conns.counted(r, rc.Flush() == nil)
}

// drain stops accepting connections and waits until every request already
// accepted is answered, or ctx is done. Then it answers those still waiting
// with a 503, gives the answers cutGrace to be written and closes every
// connection left.
func (s *Server) drain(ctx context.Context) error {
	_ = s.ln.Close()
	// Answers from now on close their connections. Idle keep-alive
	// connections stay open until the drain ends, so that a request sent on
	// one meanwhile is answered, not dropped.
	close(s.conns.draining)
	if s.quiet(ctx.Done()) {
		s.closeConns()
		return nil
	}
	deadline := time.Now().Add(cutGrace)
	close(s.conns.cut)
	s.parking.cut(deadline)
	grace, cancel := context.WithDeadline(context.Background(), deadline)
	s.quiet(grace.Done())
	cancel()
	answered, cutOff := s.closeConns()
	return &DrainError{Answered503: answered, CutOff: cutOff, Err: ctx.Err()}
}

// quiet waits until no request is in flight, or done is closed, and reports
// whether none is.
func (s *Server) quiet(done <-chan struct{}) bool {
	busy := func() bool { return s.conns.busy() || s.parking.busy() }
	return !busy() || tick.While(done, drainPoll, busy)
}

// closeConns closes every connection left and returns the counts of the
// requests cut at the deadline.
func (s *Server) closeConns() (answered503, cutOff int) {
	pa, pu := s.parking.close()
	ca, cu := s.conns.end()
	_ = s.http.Close()
	return pa + ca, pu + cu
}
