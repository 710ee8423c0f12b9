package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// fastSender sends requests with fasthttp, the default: net/http's client
// hands every request between three goroutines (caller, write loop, read
// loop), which caps one core at about 70% of wrk's rate; fasthttp writes
// and reads on the caller's goroutine and reuses its buffers.
type fastSender struct {
	hosts map[string]*fasthttp.HostClient // by URL scheme and host
	opts  *Options
	ctx   context.Context // cancelled: every connection is closed

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

func newFastSender(ctx context.Context, o *Options) *fastSender {
	s := &fastSender{opts: o, ctx: ctx, conns: map[net.Conn]struct{}{}, hosts: map[string]*fasthttp.HostClient{}}
	for _, raw := range []string{o.MainURL, o.ComplexURL} {
		u, err := url.Parse(raw)
		if err != nil || s.hosts[hostKey(u.Scheme, u.Host)] != nil {
			continue // Validate has vetted the URLs
		}
		addr, isTLS := u.Host, u.Scheme == "https"
		if u.Port() == "" {
			port := "80"
			if isTLS {
				port = "443"
			}
			addr = net.JoinHostPort(u.Hostname(), port)
		}
		var tlsConfig *tls.Config
		if isTLS {
			tlsConfig = &tls.Config{InsecureSkipVerify: o.Insecure, ServerName: u.Hostname()} //nolint:gosec // the user asked, for self-signed test servers
		}
		s.hosts[hostKey(u.Scheme, u.Host)] = &fasthttp.HostClient{
			Addr:  addr,
			IsTLS: isTLS,
			// fasthttp passes the time left of the request that needs the
			// connection; the dial and the TLS handshake must fit in it.
			DialTimeout: func(addr string, timeout time.Duration) (net.Conn, error) {
				return s.dial(addr, tlsConfig, timeout)
			},
			MaxConns:            1 << 20, // never refuse a request for want of a connection
			MaxIdleConnDuration: 2 * time.Second,
			// One attempt per request: fasthttp retries idempotent requests
			// up to five times by default, which would hide resets and send
			// the target more load than asked for.
			MaxIdemponentCallAttempts:     1,
			RetryIfErr:                    func(*fasthttp.Request, int, error) (bool, bool) { return false, false },
			NoDefaultUserAgentHeader:      true,
			DisableHeaderNamesNormalizing: true,
			DisablePathNormalizing:        true,
			// Bodies are read through a small buffer and discarded (see
			// do), so a hostile body costs time, never memory.
			StreamResponseBody: true,
		}
	}
	context.AfterFunc(ctx, s.closeAll)
	return s
}

// dial connects to addr and, for TLS, completes the handshake, all within
// timeout (capped at the request timeout). fasthttp would leave the
// handshake to the first write, whose read of the server's hello has no
// deadline: a server that accepts and never answers would hang the run.
func (s *fastSender) dial(addr string, tlsConfig *tls.Config, timeout time.Duration) (net.Conn, error) {
	if timeout <= 0 || timeout > s.opts.Timeout {
		timeout = s.opts.Timeout
	}
	ctx, cancel := context.WithTimeout(s.ctx, timeout)
	defer cancel()
	raw, err := (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	c, err := s.track(raw)
	if err != nil || tlsConfig == nil {
		return c, err
	}
	tc := tls.Client(c, tlsConfig)
	if err := tc.HandshakeContext(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return tc, nil
}

// track remembers c so that cancellation can close it, cutting off the
// request in flight on it (fasthttp has no per-request context).
func (s *fastSender) track(c net.Conn) (net.Conn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		c.Close()
		return nil, context.Canceled
	}
	s.conns[c] = struct{}{}
	return &trackedConn{Conn: c, s: s}, nil
}

func (s *fastSender) closeAll() {
	s.mu.Lock()
	s.closed = true
	conns := s.conns
	s.conns = map[net.Conn]struct{}{}
	s.mu.Unlock()
	for c := range conns {
		c.Close()
	}
}

type trackedConn struct {
	net.Conn
	s    *fastSender
	once sync.Once
}

func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.s.mu.Lock()
		delete(c.s.conns, c.Conn)
		c.s.mu.Unlock()
	})
	return c.Conn.Close()
}

// do sends one request to ep and returns the answer's status.
func (s *fastSender) do(ep Endpoint) (int, error) {
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	o := s.opts
	if ep == Complex {
		req.SetRequestURI(o.ComplexURL)
		req.Header.SetMethod(o.ComplexMethod)
		if o.ComplexBody != nil {
			req.SetBodyRaw(o.ComplexBody)
		}
	} else {
		req.SetRequestURI(o.MainURL)
	}
	for k, vs := range o.Header {
		for _, v := range vs {
			if k == "Host" {
				req.UseHostHeader = true
				req.Header.SetHost(v)
				continue
			}
			req.Header.Add(k, v)
		}
	}
	u := req.URI()
	host := s.hosts[hostKey(string(u.Scheme()), string(u.Host()))]
	if host == nil {
		return 0, fmt.Errorf("no client for %s", u.String())
	}
	err := host.DoDeadline(req, resp, time.Now().Add(o.Timeout))
	if err == nil {
		// The read deadline set for the request still bounds the body.
		err = discardBody(resp.BodyStream(), int64(resp.Header.ContentLength()), o.MaxBody)
		if cerr := resp.CloseBodyStream(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		if s.ctx.Err() != nil {
			return 0, errors.Join(context.Canceled, err)
		}
		return 0, err
	}
	return resp.StatusCode(), nil
}

// hostKey names the client of a URL's scheme and host.
func hostKey(scheme, host string) string { return strings.ToLower(scheme + "://" + host) }

func (s *fastSender) close() {
	for _, h := range s.hosts {
		h.CloseIdleConnections()
	}
}
