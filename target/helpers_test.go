package target

import (
	"context"
	"io"
	"net/http"
	"sort"
	"testing"
	"time"
)

// startTarget starts a server for one test and shuts it down at its end.
func startTarget(t testing.TB, cfg Config) (*Server, *http.Client) {
	t.Helper()
	srv, err := Start(cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		tr.CloseIdleConnections()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		tr.CloseIdleConnections()
	})
	return srv, client
}

// get fetches path and returns the status, the body and how long it took.
func get(t testing.TB, c *http.Client, url string) (int, string, time.Duration) {
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

// inBackground starts n GETs of url at once and returns a channel that
// yields each one's duration as it ends.
func inBackground(t testing.TB, c *http.Client, url string, n int) <-chan time.Duration {
	out := make(chan time.Duration, n)
	for range n {
		go func() {
			_, _, d := get(t, c, url)
			out <- d
		}()
	}
	return out
}

func collect(ch <-chan time.Duration, n int) []time.Duration {
	ds := make([]time.Duration, 0, n)
	for range n {
		ds = append(ds, <-ch)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
