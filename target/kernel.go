package target

import (
	"runtime"
	"time"
)

// What net/http, playing the kernel (see socket.go), tells the loop. Each
// may be called from any goroutine.

// newSocket returns a connection for the loop to learn of; net/http has
// just accepted it. The Go loop learns of none: it returns nil.
func (l *Loop) newSocket() *socket {
	if l.kind == Go {
		return nil
	}
	return &socket{}
}

// connected queues sk in the listen backlog, to be accepted by a loop
// callback. It reports false when the loop has been closed.
func (l *Loop) connected(sk *socket) bool {
	if sk == nil { // the Go loop: net/http has accepted it, nothing to model
		return true
	}
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return false
	}
	l.unlockAndWake(l.poller.connected(sk))
	return true
}

// arrived hands the loop a request net/http has read on sk; a loop callback
// reads it when the loop's model of the runtime gets there, or, on the Go
// loop (sk nil), its handler is queued at once. It reports false when the
// loop has been closed.
func (l *Loop) arrived(sk *socket, req *request) bool {
	if sk == nil {
		return l.Post(req.cb)
	}
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return false
	}
	sk.req = req
	if sk.next != nil {
		close(sk.next)
		sk.next = nil
	}
	l.unlockAndWake(l.poller.notify(sk))
	return true
}

// lastRequest says that sk carries no request after the one in flight: its
// connection has been taken over to answer a half-closed client.
func (l *Loop) lastRequest(sk *socket) {
	if sk == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	sk.last = true
}

// disconnected says that net/http has closed sk.
func (l *Loop) disconnected(sk *socket) {
	l.mu.Lock()
	defer l.mu.Unlock()
	sk.closed, sk.req = true, nil
}

// take returns the request read on sk, if there is one, for a loop callback
// to handle.
func (l *Loop) take(sk *socket) *request {
	l.mu.Lock()
	defer l.mu.Unlock()
	req := sk.req
	sk.req = nil
	return req
}

// readable is the callback for a socket a poll found ready.
func (l *Loop) readable(sk *socket) Callback {
	if sk.listener {
		if l.kind == Node {
			return Callback{Name: "accept", steps: 1, Fn: l.nodeAccept}
		}
		return Callback{Name: "accept", Fn: l.tornadoAccept}
	}
	if l.kind == Node {
		// The handler runs in this very callback: name it after the handler.
		return Callback{Name: sk.req.cb.Name, steps: 1, Fn: func() { l.nodeRead(sk) }}
	}
	return Callback{Name: "read", steps: 1, Fn: func() { l.tornadoReadable(sk) }}
}

// serve runs req's handler on the loop; once the answer is made, whenever
// that is, then runs on the loop too.
func (l *Loop) serve(sk *socket, req *request, then func()) {
	req.rep.onFinish = func() {
		l.answered = sk
		if then != nil {
			then()
		}
	}
	req.cb.Fn()
}

// clientTurn bounds how long the loop steps aside after an answer when the
// Go runtime has one processor (see yieldToClients).
const clientTurn = time.Millisecond

// yieldToClients lets the goroutines that write an answer, and a client in
// the same process that reads it, run before the loop goes on, until the
// client's next request on that connection has arrived or clientTurn has
// passed. With two processors or more they run beside the loop, as a client
// process runs on another core. With one, Go's scheduler would run them
// only when the loop parks, up to 10 ms later, where the kernel wakes a
// client process that waited for its answer at once, ahead of the server
// that wrote it: a keep-alive client's next request would come too late to
// cut in line, as it does in the real servers on one core.
//
// The race it serves is the one after the loop was away (a block, or a
// wait in the poller): only answers given while the loop runs cold step
// aside. Under a steady stream the loop never waits for a client, as a
// real server whose clients run on other cores does not; waiting there
// cost the target half its throughput and changed no scenario's figures.
func (l *Loop) yieldToClients() {
	sk := l.answered
	l.answered = nil
	if sk == nil || runtime.GOMAXPROCS(0) != 1 || !l.cold() {
		return
	}
	l.mu.Lock()
	if sk.req != nil || sk.closed || sk.last {
		l.mu.Unlock()
		return
	}
	next := make(chan struct{})
	sk.next = next
	l.mu.Unlock()
	t := time.NewTimer(clientTurn)
	select {
	case <-next:
	case <-t.C:
	}
	t.Stop()
	l.mu.Lock()
	sk.next = nil
	l.mu.Unlock()
}
