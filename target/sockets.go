package target

import (
	"context"
	"net"
	"net/http"
	"sync"
)

// sockets pairs each connection net/http accepted with the socket the loop
// knows it by.
type sockets struct {
	mu sync.Mutex
	of map[net.Conn]*socket
}

// socketKey is the context key under which a request finds its socket.
type socketKey struct{}

// connContext is the http.Server's ConnContext hook: a new connection gets
// its socket, and its requests find both.
func (s *Server) connContext(ctx context.Context, c net.Conn) context.Context {
	sk := s.loop.newSocket()
	if sk == nil {
		return context.WithValue(ctx, connKey{}, c)
	}
	s.sockets.mu.Lock()
	if s.sockets.of == nil {
		s.sockets.of = make(map[net.Conn]*socket)
	}
	s.sockets.of[c] = sk
	s.sockets.mu.Unlock()
	return context.WithValue(context.WithValue(ctx, connKey{}, c), socketKey{}, sk)
}

// connState is the http.Server's ConnState hook: the drain follows the
// connection, and the loop learns that it is in the backlog or gone.
func (s *Server) connState(c net.Conn, st http.ConnState) {
	s.conns.track(c, st)
	if st != http.StateNew && st != http.StateClosed && st != http.StateHijacked {
		return
	}
	s.sockets.mu.Lock()
	sk := s.sockets.of[c]
	if st != http.StateNew {
		delete(s.sockets.of, c)
	}
	s.sockets.mu.Unlock()
	switch {
	case sk == nil:
	case st == http.StateNew:
		s.loop.connected(sk)
	case st == http.StateClosed:
		s.loop.disconnected(sk)
	}
}

func socketOf(r *http.Request) *socket {
	sk, _ := r.Context().Value(socketKey{}).(*socket)
	return sk
}
