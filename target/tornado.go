package target

// Tornado's loop (asyncio's selector loop under Tornado 6's HTTP server),
// step by step as its sources order it. Each step is a callback that runs
// in one iteration; what it schedules (call_soon, a future resolved, a
// task started) runs in the next.
//
//	accept    netutil.add_accept_handler: accepts every pending connection,
//	          up to 128; each one's HTTP1ServerConnection coroutine starts.
//	read      the coroutine reads at once what the socket holds
//	          (IOStream._try_inline_read). With the request there it parses
//	          it and starts the handler's task; without, it waits for the
//	          socket to become readable, and a later poll's callback reads
//	          it and resumes the coroutine one iteration after that.
//	handler   RequestHandler._execute, a task of its own: the handler runs
//	          and, once it finishes, writes the answer in the same step.
//	finish    the answer resolves the connection's _finish_future; the
//	          coroutine resumes, and `await asyncio.sleep(0)` at the end of
//	          _server_request_loop costs it one more iteration before it
//	          reads again.
//
// So a new connection's handler runs three iterations after the one that
// accepted it, and a keep-alive connection whose next request is already
// there when it reads again runs its handler two iterations after the last
// answer: after a blocking callback, a busy keep-alive client usually cuts
// in line ahead of connections that have waited for the whole block.

func (l *Loop) tornadoAccept() {
	l.mu.Lock()
	socks := l.poller.accept(Tornado.acceptBatch())
	l.mu.Unlock()
	l.spend(2 * len(socks)) // an IOStream and a coroutine each
	for _, sk := range socks {
		l.Post(l.tornadoRead(sk))
	}
}

func (l *Loop) tornadoRead(sk *socket) Callback {
	return Callback{Name: "read", steps: 1, Fn: func() {
		l.mu.Lock()
		req := sk.req
		sk.req = nil
		if req == nil && !sk.closed && !sk.last {
			l.poller.watch(sk)
		}
		l.mu.Unlock()
		if req != nil {
			l.Post(l.tornadoHandler(sk, req))
		}
	}}
}

// tornadoReadable is the callback of a poll that found sk readable while its
// coroutine waited: the stream reads the request and resolves the read's
// future, and the coroutine resumes in the next iteration to parse it.
func (l *Loop) tornadoReadable(sk *socket) {
	l.mu.Lock()
	sk.watched = false
	req := sk.req
	sk.req = nil
	l.mu.Unlock()
	if req != nil {
		l.Post(Callback{Name: "read", steps: 1, Fn: func() { l.Post(l.tornadoHandler(sk, req)) }})
	}
}

func (l *Loop) tornadoHandler(sk *socket, req *request) Callback {
	return Callback{Name: req.cb.Name, steps: 1, Fn: func() {
		l.serve(sk, req, func() { l.Post(l.tornadoFinish(sk)) })
	}}
}

func (l *Loop) tornadoFinish(sk *socket) Callback {
	return Callback{Name: "finish", steps: 1, Fn: func() {
		l.mu.Lock()
		over := sk.closed || sk.last
		l.mu.Unlock()
		if !over {
			l.Post(l.tornadoRead(sk)) // after asyncio.sleep(0)
		}
	}}
}
