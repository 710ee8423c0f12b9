package target

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// A client may send its request, half-close the connection (shutdown
// SHUT_WR: "I will send no more") and still read the answer. net/http's
// background read sees that EOF and cancels the request's context at once,
// and a handler that returned then without writing would leave net/http to
// send an empty 200 of its own, for any path. A client that closed both ways
// looks the same from here until an answer fails to reach it. So the request
// is parked: the connection is taken over from net/http and gets the real
// answer when the loop makes it, as Tornado and Node answer a half-closed
// client. Meanwhile it holds a socket but no goroutine, as a request
// suspended on the loop holds a timer but no stack.

// parked is a request whose connection was taken over from net/http.
type parked struct {
	conn    net.Conn
	method  string
	writing bool // an answer is being written; guarded by parking.mu
}

// parking holds the parked requests until each is answered, or Shutdown
// closes them.
type parking struct {
	mu      sync.Mutex
	parked  map[*parked]struct{}
	closed  bool
	writing sync.WaitGroup
}

// park takes over the connection of r, whose client has stopped sending,
// and writes rep's answer to it once the loop has made it.
func (s *Server) park(w http.ResponseWriter, r *http.Request, rep *reply) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Without the connection the answer cannot be kept for the client:
		// close it unanswered rather than let net/http write an empty 200.
		panic(http.ErrAbortHandler)
	}
	p := &parked{conn: conn, method: r.Method}
	if !s.parking.add(p) {
		conn.Close()
		return
	}
	deliver := func() { s.parking.deliver(p, rep, s.cfg.WriteTimeout) }
	if !rep.whenDone(deliver) {
		deliver()
	}
}

func (pk *parking) add(p *parked) bool {
	pk.mu.Lock()
	defer pk.mu.Unlock()
	if pk.closed {
		return false
	}
	if pk.parked == nil {
		pk.parked = make(map[*parked]struct{})
	}
	pk.parked[p] = struct{}{}
	return true
}

// deliver writes rep to p's connection within timeout and closes it, unless
// another answer is already being written there or Shutdown closed it. It
// reports whether the answer reached the connection.
func (pk *parking) deliver(p *parked, rep *reply, timeout time.Duration) bool {
	pk.mu.Lock()
	if _, ok := pk.parked[p]; !ok || p.writing {
		pk.mu.Unlock()
		return false
	}
	p.writing = true
	pk.writing.Add(1)
	pk.mu.Unlock()
	defer pk.writing.Done()

	_ = p.conn.SetWriteDeadline(time.Now().Add(timeout))
	err := rep.writeTo(p.conn, p.method)
	p.conn.Close()
	pk.mu.Lock()
	delete(pk.parked, p)
	pk.mu.Unlock()
	return err == nil
}

// close closes every parked connection, answered or not, refuses to park
// more and waits for answers being written to give up.
func (pk *parking) close() {
	pk.mu.Lock()
	pk.closed = true
	for p := range pk.parked {
		p.conn.Close()
	}
	clear(pk.parked)
	pk.mu.Unlock()
	pk.writing.Wait()
}
