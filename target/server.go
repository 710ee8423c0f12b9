package target

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"
)

// MainBody is MainHandler's answer.
const MainBody = "[MainHandler] Hello, world"

// Paths the target serves.
const (
	MainPath    = "/"
	ComplexPath = "/complex"
	DebugPath   = "/debug/loop"
)

// ErrAddrInUse means the address to listen on is taken.
var ErrAddrInUse = errors.New("address already in use")

// Server is the embedded target: net/http accepts connections and reads
// requests on its own goroutines, as the kernel would, but the loop learns
// of a connection or a request only when it polls, accepts and reads it in
// its own callbacks (see socket.go), every handler runs as a callback on
// that one Loop, and an answer is written only after its callback (and any
// continuation) has run there. The latency a client sees therefore
// includes every wait for the loop, from accept to answer.
type Server struct {
	cfg     Config
	loop    *Loop
	pool    *Pool // pooled mode only
	gil     *GIL  // nil unless the GIL model is on
	http    *http.Server
	ln      net.Listener
	quit    chan struct{} // closed at shutdown: work in progress gives up
	serving sync.WaitGroup
	conns   *conns
	parking parking
	sockets sockets

	complexBody []byte
	shutdown    sync.Once
	shutdownErr error
}

// Start validates cfg, binds its address and serves until Shutdown.
func Start(cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, fmt.Errorf("listen on %s: %w", cfg.Addr, ErrAddrInUse)
		}
		return nil, fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	s := &Server{
		cfg:   cfg,
		ln:    ln,
		quit:  make(chan struct{}),
		conns: newConns(),
		complexBody: fmt.Appendf(nil, "[ComplexHandler] done: %s of %s work in %s mode\n",
			cfg.ComplexDelay, cfg.Work, cfg.Mode),
	}
	if cfg.GIL {
		s.gil = NewGIL(cfg.SwitchInterval)
	}
	s.loop = NewLoop(s.gil)
	s.loop.kind, s.loop.cost = cfg.Loop, cfg.Loop.stepCost()
	burnRate() // calibrated now, not on the first request
	if cfg.Mode == Pooled {
		s.pool = NewPool(cfg.Pool, cfg.Executor, NewCores(cfg.Cores))
	}
	s.http = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          log.New(cfg.ErrorLog, "blockprobe target: ", 0),
		ConnState:         s.connState,
		ConnContext:       s.connContext,
	}
	s.serving.Go(s.loop.Run)
	s.serving.Go(func() { _ = s.http.Serve(ln) })
	return s, nil
}

// Config returns the configuration the server runs with, defaults filled in.
func (s *Server) Config() Config { return s.cfg }

// Addr is the address the server listens on.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// URL is the server's base URL, without a trailing slash.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// Loop is the server's event loop.
func (s *Server) Loop() *Loop { return s.loop }

// Stats returns the loop's figures with the pool's and the GIL's.
func (s *Server) Stats() LoopStats {
	st := s.loop.Stats()
	if s.pool != nil {
		ps := s.pool.Stats()
		st.Pool = &ps
	}
	if s.gil != nil {
		gs := s.gil.Stats()
		st.GIL = &gs
	}
	return st
}

// ResetStats starts a new statistics window for the loop and the pool. The
// GIL's counters run from the server's start.
func (s *Server) ResetStats() {
	s.loop.ResetStats()
	if s.pool != nil {
		s.pool.resetStats()
	}
}

// Shutdown stops accepting connections and waits until every request
// already accepted is answered, a half-closed client's too, or ctx is done.
// Answers given meanwhile close their connections. When ctx is done first,
// the requests still waiting get a 503 with Connection: close, and Shutdown
// returns a *DrainError that counts them, by about ctx's deadline plus
// 200ms. Then it abandons work in progress and stops the loop and the pool.
// It is safe to call more than once.
func (s *Server) Shutdown(ctx context.Context) error {
	s.shutdown.Do(func() {
		s.shutdownErr = s.drain(ctx)
		close(s.quit)
		s.loop.Close()
		if s.pool != nil {
			s.pool.Close()
		}
		s.serving.Wait()
	})
	return s.shutdownErr
}

// ServeHTTP hands the request to the loop and writes the answer the loop
// gives. /debug/loop is the exception: it reports on the loop, so it is
// answered here, off the loop, and stays readable while the loop is blocked.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == DebugPath {
		s.serveDebug(w, r)
		return
	}
	rep := newReply()
	if !s.loop.arrived(socketOf(r), &request{cb: s.route(r, rep), rep: rep}) {
		s.refuse(w, r)
		return
	}
	select {
	case <-rep.done:
	case <-s.conns.cut:
		s.refuse(w, r)
		return
	case <-r.Context().Done():
		// The client stopped sending: it may have left, or only half-closed
		// and still wait for the answer. The callback still runs.
		s.park(w, r, rep)
		return
	case <-s.loop.Done():
		select {
		case <-rep.done: // answered just before the loop stopped
		default:
			s.refuse(w, r)
			return
		}
	}
	s.conns.closeWhenDraining(w)
	rep.write(w)
}

func (s *Server) serveDebug(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	s.conns.closeWhenDraining(w)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(s.LoopDoc())
}

// LoopDoc returns the loop's document in format LoopFormat, as GET
// /debug/loop serves it: the figures of Stats with the stalls.
func (s *Server) LoopDoc() LoopDoc { return s.loop.monitor.doc(s.Stats()) }
