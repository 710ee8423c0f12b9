package target

import (
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
	// Go is no runtime's loop but the fastest one the target can be: as
	// before the loop modelled accept and read, net/http accepts and reads
	// on goroutines of its own, in parallel with the loop, and queues a
	// request's handler on the loop as soon as it is read, at no cost per
	// step. Handlers still run one at a time on the loop, so a blocking
	// handler still starves the others, but under sustained load a probe
	// waits only for the block it arrived in (p99 ≈ D, where Tornado gives
	// about 2·D), and the target serves GET / at most of net/http's speed:
	// a baseline for benchmarks, not a model of Tornado or Node.
	Go LoopKind = "go"
)

// LoopKinds lists the loops; the first is the default.
var LoopKinds = []LoopKind{Tornado, Node, Go}

// ParseLoopKind checks a --loop value.
func ParseLoopKind(s string) (LoopKind, error) { return choose("loop", s, LoopKinds...) }

// stepCost is the CPU time the runtime's own code spends on one step of a
// request: an accept, a read, a coroutine resumed, a handler dispatched and
// its answer written. It depends on how warm the runtime is. A request on
// its own, after the loop has waited in the poller or in a blocking call,
// runs with cold caches and, in Node, cold JIT code: measured on the
// development machine (two shared cores; bench/fidelity.sh measures it
// again), Tornado 6.2 on CPython 3.11 spent 0.6-1.9 ms of CPU per keep-alive
// GET / 20 ms apart, over its five steps, and Node 20 0.65-1.8 ms over its
// one, the spread being the machine's load. Under a steady stream (wrk, 50
// connections) the same servers answer 6,300 and 35,000 requests a second:
// 160 µs and 28 µs a request. The model spends the cold cost on the steps of
// one request after the loop has been away for more than coolAfter, the warm
// cost on the others, as computation on the loop, as the runtime does; for
// Node, whose JIT has not warmed up in a probe scenario, the cold one always.
//
// It is not decoration: after a blocking callback, whether a keep-alive
// client's next request is already there when the loop next looks at its
// connection, ahead of connections that waited for the whole block, depends
// on how long the loop takes to get there. It also makes the target about as
// slow as the runtime it models.
type stepCost struct {
	cold, warm time.Duration
	coldSteps  int // steps at the cold cost once the loop comes back
}

func (k LoopKind) stepCost() stepCost {
	switch k {
	case Go:
		return stepCost{}
	case Node:
		// Node's steady-stream speed comes from V8 optimising its hot code
		// after thousands of requests; the few hundred of a probe scenario
		// run as they came, so every step costs what a cold one does.
		return stepCost{cold: time.Millisecond, warm: time.Millisecond}
	default:
		return stepCost{cold: 300 * time.Microsecond, warm: 32 * time.Microsecond, coldSteps: 5}
	}
}

// coolAfter is how long the loop may be away from the runtime's own code
// (waiting in the poller, or in a callback that blocks) before its next
// steps run cold: requests a millisecond apart were already several times
// dearer than under a steady stream.
const coolAfter = time.Millisecond

// acceptBatch is how many connections one readiness of the listening
// socket lets the loop accept.
func (k LoopKind) acceptBatch() int {
	if k == Node {
		return 1 // libuv's uv__server_io accepts one and returns to the loop
	}
	return 128 // tornado.netutil's _DEFAULT_BACKLOG
}
