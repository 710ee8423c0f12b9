package target

import (
	"fmt"
	"time"
)

// LoopKind is the event loop the target models, down to when a connection
// is accepted and when its request is read: the two runtimes order these
// differently, and under sustained load the order decides who waits.
type LoopKind string

// The loops the target models.
const (
	// Tornado is Tornado on asyncio's selector loop. Each iteration polls
	// (epoll), then runs the callbacks that were ready when it began;
	// whatever they schedule runs in the next one. A listening socket's
	// callback accepts every pending connection (up to 128); a connection's
	// request is read in a later iteration, its handler runs in the one
	// after that; once answered, the connection's coroutine passes through
	// one more iteration (asyncio.sleep(0)) before it reads again, and reads
	// the next request at once if it is already there.
	Tornado LoopKind = "tornado"
	// Node is Node's libuv loop. Each iteration polls (epoll) and calls each
	// ready socket's callback in the order of epoll's ready list: a
	// connection's callback reads, parses and runs the handler there and
	// then. A listening socket's callback accepts one connection (libuv
	// 1.45 and later), which is polled for the first time in the next
	// iteration.
	Node LoopKind = "node"
)

// LoopKinds lists the modelled loops; the first is the default.
var LoopKinds = []LoopKind{Tornado, Node}

// ParseLoopKind checks a --loop value.
func ParseLoopKind(s string) (LoopKind, error) {
	for _, k := range LoopKinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown loop %q (want tornado or node)", s)
}

// stepCost is the CPU time the runtime's own code spends on one step of a
// request (an accept, a read, a coroutine resumed, a handler dispatched and
// its answer written), as the lab uses the real servers: fresh, requests
// tens of milliseconds apart. Measured on the development machine (two
// shared cores; bench/fidelity.sh measures it again), Tornado 6.2 on CPython
// 3.11 spent 0.6-1.9 ms of CPU per keep-alive GET / over its five steps and
// Node 20 0.65-1.8 ms over its one, its JIT still cold, the spread being the
// machine's load; back to back, 0.3 ms each. The model spends it on the loop
// as computation, as the runtime does, so it stretches when the machine is
// busy. It is not decoration: after a blocking callback, whether a keep-alive
// client's next request is already there when the loop next looks at its
// connection, ahead of connections that waited for the whole block, depends
// on how long the loop takes to get there. It also makes the target as slow
// as the runtime it models.
func (k LoopKind) stepCost() time.Duration {
	switch k {
	case Node:
		return time.Millisecond
	default:
		return 300 * time.Microsecond
	}
}

// acceptBatch is how many connections one readiness of the listening
// socket lets the loop accept.
func (k LoopKind) acceptBatch() int {
	if k == Node {
		return 1 // libuv's uv__server_io accepts one and returns to the loop
	}
	return 128 // tornado.netutil's _DEFAULT_BACKLOG
}
