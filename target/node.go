package target

// Node's loop (libuv's uv_run under Node's http server), step by step as
// its sources order it. A poll (uv__io_poll) calls each ready socket's
// callback in the order of epoll's ready list (see poller):
//
//	accept    the listening socket's callback accepts one connection
//	          (uv__server_io, libuv 1.45 and later) and starts reading it;
//	          the new socket is registered with epoll at the start of the
//	          next poll, so its request is read an iteration later, behind
//	          the sockets already on the ready list.
//	read      a connection's callback reads its bytes, and the HTTP parser
//	          emits 'request' there and then: the handler runs inside the
//	          callback and its answer is written before the next socket's
//	          turn.
//
// So a keep-alive client that sends its next request as soon as it has
// the answer is first in every poll, and a probe on a new connection gets
// one step further per iteration: accepted in one, read in the next.

func (l *Loop) nodeAccept() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, sk := range l.poller.accept(Node.acceptBatch()) {
		l.poller.watchLater(sk)
	}
}

func (l *Loop) nodeRead(sk *socket) {
	if req := l.take(sk); req != nil {
		l.serve(sk, req, nil)
	}
}
