package target

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// reply carries an answer from the loop back to the goroutine that owns the
// connection.
type reply struct {
	done   chan struct{}
	status int
	body   []byte
	allow  string

	mu   sync.Mutex
	then func() // see whenDone
	// onFinish runs on the loop once the answer is made: the connection's
	// next step in the loop's model of the runtime.
	onFinish func()
}

func newReply() *reply { return &reply{done: make(chan struct{})} }

// finish is called on the loop, exactly once.
func (r *reply) finish(status int, body []byte) {
	r.mu.Lock()
	r.status, r.body = status, body
	close(r.done)
	then := r.then
	r.mu.Unlock()
	if then != nil {
		go then() // it writes to a socket, which the loop must never wait for
	}
	if r.onFinish != nil {
		r.onFinish()
	}
}

// whenDone arranges for f to run on a goroutine of its own once the answer
// is made. It reports false, and arranges nothing, if the answer already is.
func (r *reply) whenDone(f func()) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	select {
	case <-r.done:
		return false
	default:
		r.then = f
		return true
	}
}

func (r *reply) header(h http.Header) {
	if r.allow != "" {
		h.Set("Allow", r.allow)
	}
	h.Set("Content-Type", "text/plain; charset=utf-8")
}

func (r *reply) write(w http.ResponseWriter) {
	r.header(w.Header())
	w.WriteHeader(r.status)
	_, _ = w.Write(r.body)
}

// writeTo writes the answer as a whole HTTP/1.1 response to a connection
// taken over from net/http, and tells the client the connection then closes.
func (r *reply) writeTo(conn net.Conn, method string) error {
	h := make(http.Header)
	r.header(h)
	h.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	resp := &http.Response{
		StatusCode:    r.status,
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		ContentLength: int64(len(r.body)),
		Body:          io.NopCloser(bytes.NewReader(r.body)),
		Close:         true,
		Request:       &http.Request{Method: method},
	}
	bw := bufio.NewWriter(conn)
	if err := resp.Write(bw); err != nil {
		return err
	}
	return bw.Flush()
}

var (
	mainBody      = []byte(MainBody)
	notFoundBody  = []byte("404: Not Found\n")
	notAllowed    = []byte("405: Method Not Allowed\n")
	abandonedBody = []byte("503: shutting down\n")
)

// route picks the callback for r. Every answer, errors included, is made on
// the loop, as a real event-loop framework makes it.
func (s *Server) route(r *http.Request, rep *reply) Callback {
	var name string
	var handle func(*reply)
	switch r.URL.Path {
	case MainPath:
		name, handle = "MainHandler", func(rep *reply) { rep.finish(http.StatusOK, mainBody) }
	case ComplexPath:
		name, handle = "ComplexHandler", s.complex
	default:
		return Callback{Name: "NotFound", Fn: func() {
			rep.finish(http.StatusNotFound, notFoundBody)
		}}
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return Callback{Name: name, Fn: func() {
			rep.allow = "GET, HEAD"
			rep.finish(http.StatusMethodNotAllowed, notAllowed)
		}}
	}
	return Callback{Name: name, Fn: func() { handle(rep) }}
}

// complex is ComplexHandler. It runs on the loop; what it does there depends
// on the mode and the kind of work.
func (s *Server) complex(rep *reply) {
	d, work := s.cfg.ComplexDelay, s.cfg.Work
	switch {
	case s.cfg.Mode == Blocking, s.cfg.Mode == Async && work == CPU:
		// On the loop: nothing else runs until the work is done. In async
		// mode CPU work lands here too, because await only yields at a
		// suspension point and a computation has none.
		s.answer(rep, work.do(d, s.gil, true, s.quit))
	case s.cfg.Mode == Async:
		// A timer, then a continuation on the loop: the loop is free meanwhile.
		s.loop.CallLater(d, s.continuation(rep, true))
	case s.cfg.Mode == Pooled:
		// A worker does the work; the answer comes back through the loop.
		ok := s.pool.Submit(func() {
			s.loop.Post(s.continuation(rep, s.pool.do(work, d, s.gil, s.quit)))
		})
		if !ok {
			s.answer(rep, false)
		}
	}
}

func (s *Server) continuation(rep *reply, done bool) Callback {
	return Callback{Name: "ComplexHandler", steps: 1, Fn: func() { s.answer(rep, done) }}
}

// answer finishes a ComplexHandler request; done is false when shutdown cut
// the work short.
func (s *Server) answer(rep *reply, done bool) {
	if !done {
		rep.finish(http.StatusServiceUnavailable, abandonedBody)
		return
	}
	rep.finish(http.StatusOK, s.complexBody)
}
