// Command hello is a plain net/http hello server: the yardstick that the
// embedded target's request path and the load generators are measured
// against in bench/. GET / answers at once; GET /complex sleeps for -sleep
// (a slow handler on its own goroutine, which starves nobody).
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "address to listen on")
	sleep := flag.Duration("sleep", time.Minute, "how long GET /complex takes")
	flag.Parse()
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "[MainHandler] Hello, world")
	})
	mux.HandleFunc("/complex", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(*sleep):
		case <-r.Context().Done():
		}
		_, _ = io.WriteString(w, "[ComplexHandler] done")
	})
	fmt.Fprintf(os.Stdout, "hello: listening on http://%s\n", *addr)
	log.Fatal(http.ListenAndServe(*addr, mux))
}
