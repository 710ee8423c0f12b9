package target

// What net/http, playing the kernel (see socket.go), tells the loop. Each
// may be called from any goroutine.

// newSocket returns a connection for the loop to learn of; net/http has
// just accepted it.
func (l *Loop) newSocket() *socket { return &socket{} }

// connected queues sk in the listen backlog, to be accepted by a loop
// callback. It reports false when the loop has been closed.
func (l *Loop) connected(sk *socket) bool {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return false
	}
	l.unlockAndWake(l.poller.connected(sk))
	return true
}

// arrived hands the loop a request net/http has read on sk; a loop callback
// reads it when the loop's model of the runtime gets there. It reports false
// when the loop has been closed.
func (l *Loop) arrived(sk *socket, req *request) bool {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return false
	}
	sk.req = req
	l.unlockAndWake(l.poller.notify(sk))
	return true
}

// lastRequest says that sk carries no request after the one in flight: its
// connection has been taken over to answer a half-closed client.
func (l *Loop) lastRequest(sk *socket) {
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
func (l *Loop) serve(req *request, then func()) {
	if then != nil {
		req.rep.onFinish = then
	}
	req.cb.Fn()
}
