package probe

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"syscall"
	"testing"

	"github.com/blockprobe/blockprobe/internal/loopback"
)

func TestClassify(t *testing.T) {
	opErr := func(err error) error {
		return &url.Error{Op: "Get", URL: "http://x", Err: &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", err)}}
	}
	cases := []struct {
		name string
		err  error
		want ErrorClass
	}{
		{"none", nil, ErrNone},
		{"refused", opErr(syscall.ECONNREFUSED), ErrRefused},
		{"reset", opErr(syscall.ECONNRESET), ErrReset},
		{"broken pipe", opErr(syscall.EPIPE), ErrReset},
		{"closed mid-answer", &url.Error{Op: "Get", URL: "http://x", Err: io.ErrUnexpectedEOF}, ErrReset},
		{"deadline", fmt.Errorf("wrapped: %w", context.DeadlineExceeded), ErrTimeout},
		{"canceled", &url.Error{Op: "Get", URL: "http://x", Err: context.Canceled}, ErrCanceled},
		{"dns", &url.Error{Op: "Get", URL: "http://x", Err: &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "x.invalid"}}}, ErrDNS},
		{"tls", &url.Error{Op: "Get", URL: "https://x", Err: x509.UnknownAuthorityError{}}, ErrTLS},
		{"too many open files", &url.Error{Op: "Get", URL: "http://x", Err: &net.OpError{Op: "dial", Err: os.NewSyscallError("socket", syscall.EMFILE)}}, ErrGenerator},
		{"no ports left", &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.EADDRNOTAVAIL)}, ErrGenerator},
		{"body too large", fmt.Errorf("x: %w", ErrBodyTooLarge), ErrTooLarge},
		{"other", errors.New("something else"), ErrOther},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Classify(tc.err); got != tc.want {
				t.Errorf("Classify(%v) = %q, want %q", tc.err, got, tc.want)
			}
		})
	}
}

func TestClassifyRealRefusal(t *testing.T) {
	c := NewClient(1, 0, false)
	defer c.CloseIdleConnections()
	_, err := c.Get(loopback.ClosedURL(t) + "/")
	if got := Classify(err); got != ErrRefused {
		t.Errorf("GET a closed port: %v classified %q, want refused", err, got)
	}
}
