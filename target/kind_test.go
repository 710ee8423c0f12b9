package target

import (
	"net/http"
	"slices"
	"testing"
	"time"
)

// After a blocking callback, who is served first is decided by how each
// runtime orders accept, read and handlers, not by timing. A keep-alive
// client (L) sends its next request the moment it has an answer; three
// probes (P1-P3) connect and send theirs while L's first request blocks
// the loop. The loop's callbacks do all of it, so the order is exact.
func TestLoopKindOrdersAcceptReadAndHandlers(t *testing.T) {
	cases := []struct {
		kind LoopKind
		want []string
	}{
		// Tornado accepts all three at once; L's coroutine reads its next
		// request inline two iterations after the answer, as the probes'
		// coroutines read theirs, and L's came first: L2 runs, then the
		// probes, then L3 (which then blocks nobody) and L4.
		{Tornado, []string{"L1", "L2", "P1", "P2", "P3", "L3", "L4"}},
		// Node accepts one connection per poll and polls it in the next;
		// L, first on epoll's ready list, is served in every iteration: one
		// probe gets through per request of L, the rest once L stops.
		{Node, []string{"L1", "L2", "L3", "P1", "L4", "P2", "P3"}},
		// The Go loop models neither: net/http has read every request by
		// the time the block ends, and the handlers run in the order the
		// requests arrived, the probes ahead of L2.
		{Go, []string{"L1", "P1", "P2", "P3", "L2", "L3", "L4"}},
	}
	for _, tc := range cases {
		t.Run(string(tc.kind), func(t *testing.T) {
			l := NewLoop(nil)
			l.kind = tc.kind
			go l.Run()
			t.Cleanup(func() { l.Close(); <-l.Done() })

			var order []string // appended on the loop only
			done := make(chan struct{})
			handler := func(name string, then func()) *request {
				rep := newReply()
				return &request{rep: rep, cb: Callback{Name: name, Fn: func() {
					order = append(order, name)
					if then != nil {
						then()
					}
					rep.finish(http.StatusOK, nil)
					if len(order) == len(tc.want) {
						close(done)
					}
				}}}
			}
			keepAlive, probes := l.newSocket(), []*socket{l.newSocket(), l.newSocket(), l.newSocket()}
			var next func(k int) *request
			next = func(k int) *request {
				return handler("L"+string(rune('0'+k)), func() {
					if k == 1 { // the block: the probes connect and send
						for i, p := range probes {
							l.connected(p)
							l.arrived(p, handler("P"+string(rune('1'+i)), nil))
						}
					}
					if k < 4 { // the client's next request is there when the answer leaves
						l.arrived(keepAlive, next(k+1))
					}
				})
			}
			l.connected(keepAlive)
			l.arrived(keepAlive, next(1))
			select {
			case <-done:
			case <-time.After(5 * time.Second):
			}
			l.Close()
			<-l.Done()
			if !slices.Equal(order, tc.want) {
				t.Errorf("handlers ran in the order %v, want %v", order, tc.want)
			}
		})
	}
}

// The epoll model: level-triggered, a socket reported by a poll keeps its
// place on the ready list; one that is no longer ready leaves it.
func TestPollerKeepsReportedSocketsInPlace(t *testing.T) {
	var p poller
	p.init()
	a, b := &socket{}, &socket{}
	p.watch(a)
	p.watch(b)
	req := &request{}
	b.req = req
	p.notify(b)
	a.req = req
	p.notify(a)
	if got := p.poll(nil); !slices.Equal(got, []*socket{b, a}) {
		t.Fatalf("first poll reported %v, want b then a", got)
	}
	b.req = nil // b's request was read; a's next is already there
	p.connected(&socket{})
	if got := p.poll(nil); !slices.Equal(got, []*socket{a, &p.listen}) {
		t.Errorf("second poll reported %v, want a (still in place), then the listener", got)
	}
}
