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
	late    bool // the drain deadline has passed: no more waiting
	closed  bool
	writing sync.WaitGroup

	answered503, cutOff int // since the drain deadline
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
	s.loop.lastRequest(socketOf(r))
	p := &parked{conn: conn, method: r.Method}
	ok, late := s.parking.add(p)
	s.conns.handOver(conn)
	switch {
	case !ok:
		conn.Close()
	case late:
		s.parking.deliver(p, shuttingDown, time.Now().Add(cutGrace))
	default:
		deliver := func() { s.parking.deliver(p, rep, time.Now().Add(s.cfg.WriteTimeout)) }
		if !rep.whenDone(deliver) {
			deliver()
		}
	}
}

// add parks p unless the parking is closed; late says that the drain
// deadline has passed.
func (pk *parking) add(p *parked) (ok, late bool) {
	pk.mu.Lock()
	defer pk.mu.Unlock()
	if pk.closed {
		return false, pk.late
	}
	if pk.parked == nil {
		pk.parked = make(map[*parked]struct{})
	}
	pk.parked[p] = struct{}{}
	return true, pk.late
}

// deliver writes rep to p's connection by deadline and closes it, unless an
// answer is already being written there or Shutdown has closed it.
func (pk *parking) deliver(p *parked, rep *reply, deadline time.Time) {
	if pk.claim(p) {
		pk.write(p, rep, deadline)
	}
}

func (pk *parking) claim(p *parked) bool {
	pk.mu.Lock()
	defer pk.mu.Unlock()
	if _, ok := pk.parked[p]; !ok || p.writing {
		return false
	}
	p.writing = true
	pk.writing.Add(1)
	return true
}

// write writes rep to p's connection, claimed, and closes it.
func (pk *parking) write(p *parked, rep *reply, deadline time.Time) {
	defer pk.writing.Done()
	_ = p.conn.SetWriteDeadline(deadline)
	err := rep.writeTo(p.conn, p.method)
	p.conn.Close()
	pk.mu.Lock()
	defer pk.mu.Unlock()
	if _, ok := pk.parked[p]; !ok {
		return // closed by Shutdown, and counted there
	}
	delete(pk.parked, p)
	switch {
	case err != nil && pk.late:
		pk.cutOff++
	case err == nil && rep == shuttingDown:
		pk.answered503++
	}
}

// cut answers the requests still parked with a 503 and bounds the answers
// being written by deadline: the drain deadline has passed.
func (pk *parking) cut(deadline time.Time) {
	pk.mu.Lock()
	pk.late = true
	var waiting []*parked
	for p := range pk.parked {
		if p.writing {
			_ = p.conn.SetWriteDeadline(deadline)
			continue
		}
		p.writing = true
		pk.writing.Add(1)
		waiting = append(waiting, p)
	}
	pk.mu.Unlock()
	for _, p := range waiting {
		go pk.write(p, shuttingDown, deadline)
	}
}

// busy reports whether a parked request still waits for its answer or is
// being answered.
func (pk *parking) busy() bool {
	pk.mu.Lock()
	defer pk.mu.Unlock()
	return len(pk.parked) > 0
}

// close closes every parked connection, answered or not, refuses to park
// more, waits for answers being written to give up and returns the counts
// of the requests cut by the drain deadline.
func (pk *parking) close() (answered503, cutOff int) {
	pk.mu.Lock()
	pk.closed = true
	for p := range pk.parked {
		p.conn.Close()
		pk.cutOff++
	}
	clear(pk.parked)
	pk.mu.Unlock()
	pk.writing.Wait()
	return pk.answered503, pk.cutOff
}
