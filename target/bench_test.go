package target

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkLoopDispatch is the cost of one hop through the loop: post a
// callback from another goroutine and wait for it to have run.
func BenchmarkLoopDispatch(b *testing.B) {
	l := runLoop(b, nil)
	done := make(chan struct{}, 1)
	cb := Callback{Name: "bench", Fn: func() { done <- struct{}{} }}
	b.ReportAllocs()
	for b.Loop() {
		l.Post(cb)
		<-done
	}
}

// BenchmarkLoopDispatchParallel posts from many goroutines at once, as
// connection goroutines do under load; the loop drains them in batches.
func BenchmarkLoopDispatchParallel(b *testing.B) {
	l := runLoop(b, nil)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		done := make(chan struct{}, 1)
		cb := Callback{Name: "bench", Fn: func() { done <- struct{}{} }}
		for pb.Next() {
			l.Post(cb)
			<-done
		}
	})
}

func benchGet(b *testing.B, url string) {
	tr := &http.Transport{MaxIdleConnsPerHost: 256}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := c.Get(url)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
}

// BenchmarkMainHandler is the whole request path of GET / over loopback,
// on each loop. Tornado's and Node's spend, by design, what the runtime
// they model spends on each step (see stepCost): what is left above that is
// the model's own overhead.
func BenchmarkMainHandler(b *testing.B) {
	for _, loop := range LoopKinds {
		b.Run(string(loop), func(b *testing.B) {
			srv, _ := startTarget(b, Config{Mode: Async, Loop: loop})
			benchGet(b, srv.URL()+MainPath)
		})
	}
}

// BenchmarkPlainNetHTTP is the same request against a plain net/http hello
// handler: the yardstick for what the loop hop costs.
func BenchmarkPlainNetHTTP(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, MainBody)
	}))
	defer srv.Close()
	benchGet(b, srv.URL+MainPath)
}
