package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"
)

// NewClient returns an HTTP/1.1 client tuned for load: keep-alive on, enough
// idle connections per host for conns concurrent requests, no compression,
// and timeout as the whole-request bound. insecure skips TLS certificate
// checks.
func NewClient(conns int, timeout time.Duration, insecure bool) *http.Client {
	if conns < 1 {
		conns = 1
	}
	tr := &http.Transport{
		Proxy: nil, // load tests go straight to the target, never via a proxy
		DialContext: (&net.Dialer{
			Timeout:   min(timeout, 10*time.Second),
			KeepAlive: 30 * time.Second,
		}).DialContext,
		MaxIdleConns:          0,
		MaxIdleConnsPerHost:   conns,
		IdleConnTimeout:       90 * time.Second,
		DisableCompression:    true,
		ForceAttemptHTTP2:     false,
		TLSHandshakeTimeout:   min(timeout, 10*time.Second),
		TLSClientConfig:       &tls.Config{InsecureSkipVerify: insecure}, //nolint:gosec // the user asked, for self-signed test servers
		ResponseHeaderTimeout: 0,                                         // the per-request timeout bounds it
	}
	// Redirects are answers to measure, not to follow: fasthttp does not
	// follow them either.
	noRedirects := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &http.Client{Transport: tr, Timeout: timeout, CheckRedirect: noRedirects}
}

// Classify sorts a request's error into its class.
func Classify(err error) ErrorClass {
	if err == nil {
		return ErrNone
	}
	var (
		netErr  net.Error
		dnsErr  *net.DNSError
		certErr *tls.CertificateVerificationError
		hdrErr  tls.RecordHeaderError
		alert   tls.AlertError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
		invalid x509.CertificateInvalidError
	)
	switch {
	case errors.Is(err, context.Canceled):
		return ErrCanceled
	case errors.Is(err, ErrBodyTooLarge), errors.Is(err, fasthttp.ErrBodyTooLarge):
		return ErrTooLarge
	case isLocalLimit(err):
		return ErrGenerator
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout(),
		errors.Is(err, fasthttp.ErrTimeout), errors.Is(err, fasthttp.ErrDialTimeout), errors.Is(err, fasthttp.ErrTLSHandshakeTimeout):
		return ErrTimeout
	case errors.As(err, &dnsErr):
		return ErrDNS
	case errors.Is(err, syscall.ECONNREFUSED):
		return ErrRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, fasthttp.ErrConnectionClosed),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return ErrReset
	case errors.As(err, &certErr), errors.As(err, &hdrErr), errors.As(err, &alert),
		errors.As(err, &unknown), errors.As(err, &host), errors.As(err, &invalid):
		return ErrTLS
	case isMalformed(err):
		return ErrProtocol
	}
	return ErrOther
}

// malformedAnswer holds what the clients say of an answer that is not valid
// HTTP; neither gives such errors a type of their own.
var malformedAnswer = []string{
	"malformed HTTP", "malformed MIME header", "bad Content-Length", "invalid response status", "malformed chunked encoding", // net/http
	"invalid byte in chunk length", "chunk length too large", "header line too long",
	"error when reading response headers", "cannot parse", "empty hex number", "cannot find whitespace", // fasthttp
}

// isMalformed reports whether err says the target's answer was not valid HTTP.
func isMalformed(err error) bool {
	var chunk fasthttp.ErrBrokenChunk
	var small *fasthttp.ErrSmallBuffer
	if errors.As(err, &chunk) || errors.As(err, &small) {
		return true
	}
	msg := err.Error()
	for _, s := range malformedAnswer {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// isLocalLimit reports whether err is this machine running out of something
// a request needs: file descriptors, ephemeral ports, buffers or memory.
// Such a request failed before the target had any say.
func isLocalLimit(err error) bool {
	for _, e := range []syscall.Errno{syscall.EMFILE, syscall.ENFILE, syscall.EADDRNOTAVAIL, syscall.ENOBUFS, syscall.ENOMEM} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
