// Package loopback is what the tests of several packages need to talk HTTP
// over 127.0.0.1: an address nothing listens on, a server that answers
// everything at once, one that answers a body of the test's, and a timed
// GET. Only tests import it.
package loopback

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/blockprobe/blockprobe/internal/loopdoc"
)

// ClosedURL is an http URL on 127.0.0.1 whose port nothing listens on: it
// was free a moment ago, so a dial there is refused.
func ClosedURL(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close()
	return url
}

// Answering starts a server that answers every request at once with an
// empty 200, closed at the end of the test, and returns its URL.
func Answering(t testing.TB) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// Serving starts a server that answers every request with the body that
// body returns then (a loop agent's document, say), closed at the end of
// the test, and returns its URL.
func Serving(t testing.TB, body func() string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, body()) }))
	t.Cleanup(srv.Close)
	return srv.URL
}

// Get fetches url with c and returns the status, the body and how long it
// took; a failure is the test's error, with status 0.
func Get(t testing.TB, c *http.Client, url string) (int, string, time.Duration) {
	t.Helper()
	start := time.Now()
	resp, err := c.Get(url)
	if err != nil {
		t.Errorf("GET %s: %v", url, err)
		return 0, "", time.Since(start)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Errorf("GET %s: reading body: %v", url, err)
	}
	return resp.StatusCode, string(b), time.Since(start)
}

// LoopAgent serves a loop document (blockprobe-loop/1) as a loop agent
// would, whatever its members beyond the format's first: extra, JSON
// members each starting with a comma, in which %[1]f is the agent's clock
// now, in ms since the epoch, minus 200ms. It returns the document's URL.
func LoopAgent(t testing.TB, extra string) string {
	t.Helper()
	return Serving(t, func() string {
		now := float64(time.Now().UnixNano()) / 1e6
		members := extra
		if strings.Contains(extra, "%[1]") {
			members = fmt.Sprintf(extra, now-200)
		}
		return fmt.Sprintf(`{"format":%q,"source":"agent-test","runtime":"test","pid":1,"now_ms":%f,"threshold_ms":20`, loopdoc.Format, now) +
			members + "}"
	}) + "/debug/loop"
}
