package target

// The target keeps net/http as its "kernel": net/http accepts connections
// and reads requests as soon as the bytes arrive, on goroutines of its own,
// as the kernel queues a connection in the listen backlog and buffers a
// socket's bytes while the process does something else. What the loop sees
// of them is modelled here: a connection exists for the loop once a
// callback has accepted it, and its request once a callback has read it,
// and the loop learns that either is ready only when it polls, between two
// iterations. A blocked loop therefore accepts nothing and reads nothing,
// as a blocked Tornado or Node does not.

// socket is one connection as the loop sees it. Its fields are guarded by
// the loop's mutex.
type socket struct {
	req      *request // read by the kernel, not yet by the loop
	accepted bool     // a loop callback has accepted it
	watched  bool     // registered with the poller: its readiness shows at polls
	linked   bool     // in the poller's ready list
	starting bool     // a watch begins at the next poll (libuv's uv__io_start)
	last     bool     // taken over for a half-closed client: no request after this one
	closed   bool
	listener bool // the listening socket: ready while the backlog is not empty
	// next, when set, is closed when the next request arrives (see
	// Loop.yieldToClients).
	next chan struct{}
}

// request is a request net/http has read: the callback that handles it and
// the reply it answers with.
type request struct {
	cb  Callback
	rep *reply
}

// poller models epoll, as asyncio's selector loop and libuv use it on
// Linux: level-triggered, with a ready list. A socket joins the list's tail
// when it becomes ready; a poll reports the sockets of the list that are
// still ready, in list order, and puts each one it reports back at the
// tail. A connection that stays busy, such as a keep-alive client that
// sends its next request as soon as it has the answer, therefore keeps its
// place ahead of sockets that became ready after it, however long they
// have waited since.
type poller struct {
	listen   socket
	backlog  []*socket // connected, not yet accepted: the listen queue
	ready    []*socket // epoll's ready list
	starting []*socket // watches to begin at the next poll
}

func (p *poller) init() { p.listen = socket{listener: true, watched: true} }

func (sk *socket) isReady(p *poller) bool {
	if sk.listener {
		return len(p.backlog) > 0
	}
	return sk.watched && !sk.closed && sk.req != nil
}

// notify puts sk on the ready list if it has just become ready, and
// reports whether the loop must be woken to poll.
func (p *poller) notify(sk *socket) bool {
	if sk.linked || !sk.isReady(p) {
		return false
	}
	sk.linked = true
	p.ready = append(p.ready, sk)
	return true
}

// connected queues a connection net/http accepted in the listen backlog.
func (p *poller) connected(sk *socket) bool {
	p.backlog = append(p.backlog, sk)
	return p.notify(&p.listen)
}

// accept takes up to n connections from the backlog, skipping those that
// closed while they waited.
func (p *poller) accept(n int) []*socket {
	var out []*socket
	for len(out) < n && len(p.backlog) > 0 {
		sk := p.backlog[0]
		p.backlog[0] = nil
		p.backlog = p.backlog[1:]
		if sk.closed {
			continue
		}
		sk.accepted = true
		out = append(out, sk)
	}
	if len(p.backlog) == 0 {
		p.backlog = nil // let the array go
	}
	return out
}

// watch registers sk with the poller now (asyncio's add_reader).
func (p *poller) watch(sk *socket) bool {
	sk.watched = true
	return p.notify(sk)
}

// watchLater registers sk at the next poll (libuv defers epoll_ctl to the
// start of uv__io_poll).
func (p *poller) watchLater(sk *socket) {
	if !sk.starting {
		sk.starting = true
		p.starting = append(p.starting, sk)
	}
}

// register begins the watches started since the last poll; a socket whose
// bytes are already there joins the ready list's tail then.
func (p *poller) register() {
	for _, sk := range p.starting {
		sk.starting = false
		p.watch(sk)
	}
	clear(p.starting)
	p.starting = p.starting[:0]
}

// pending reports whether a poll now would report anything.
func (p *poller) pending() bool {
	for _, sk := range p.ready {
		if sk.isReady(p) {
			return true
		}
	}
	return false
}

// poll reports the ready sockets in ready-list order and keeps them on the
// list, level-triggered; sockets no longer ready leave it.
func (p *poller) poll(into []*socket) []*socket {
	for _, sk := range p.ready {
		sk.linked = false
		if sk.isReady(p) {
			into = append(into, sk)
		}
	}
	clear(p.ready)
	p.ready = p.ready[:0]
	for _, sk := range into {
		sk.linked = true
		p.ready = append(p.ready, sk)
	}
	return into
}
