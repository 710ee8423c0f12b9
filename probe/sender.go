package probe

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// sender sends a run's requests: fasthttp by default (fastSender), or the
// net/http client a caller gave in Options.Client.
type sender interface {
	// do sends one request to ep and returns the answer's status, once the
	// whole answer has been read.
	do(ep Endpoint) (status int, err error)
	close()
}

func newSender(ctx context.Context, o *Options) sender {
	if o.Client != nil {
		return &netSender{client: o.Client, opts: o, ctx: ctx}
	}
	return newFastSender(ctx, o)
}

// netSender sends requests with a net/http client.
type netSender struct {
	client *http.Client
	opts   *Options
	ctx    context.Context
}

func (s *netSender) do(ep Endpoint) (int, error) {
	ctx, cancel := context.WithTimeout(s.ctx, s.opts.Timeout)
	defer cancel()
	req, err := s.request(ctx, ep)
	if err != nil {
		return 0, err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	// Read the body to the end so the connection can be reused and the
	// latency includes the whole answer.
	if err := discardBody(resp.Body, resp.ContentLength, s.opts.MaxBody); err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// ErrBodyTooLarge is the error of an answer whose body is longer than
// Options.MaxBody.
var ErrBodyTooLarge = errors.New("response body too large")

// discardBody reads body (nil: none) to its end through a small buffer,
// failing with ErrBodyTooLarge past limit bytes, or at once when the
// declared length (negative: unknown) is longer.
func discardBody(body io.Reader, length, limit int64) error {
	if length > limit {
		return fmt.Errorf("%w: %d bytes announced, more than %d (--max-body)", ErrBodyTooLarge, length, limit)
	}
	if body == nil {
		return nil
	}
	n, err := io.Copy(io.Discard, io.LimitReader(body, limit+1))
	if err != nil {
		return err
	}
	if n > limit {
		return fmt.Errorf("%w: more than %d bytes (--max-body)", ErrBodyTooLarge, limit)
	}
	return nil
}

func (s *netSender) request(ctx context.Context, ep Endpoint) (*http.Request, error) {
	o := s.opts
	method, url, body := http.MethodGet, o.MainURL, io.Reader(nil)
	if ep == Complex {
		method, url = o.ComplexMethod, o.ComplexURL
		if o.ComplexBody != nil {
			body = bytes.NewReader(o.ComplexBody)
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return nil, err
	}
	for k, vs := range o.Header {
		req.Header[k] = vs
	}
	if host := o.Header.Get("Host"); host != "" {
		req.Host = host
	}
	return req, nil
}

func (s *netSender) close() {}
