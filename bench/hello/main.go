// Command hello is a plain net/http hello server: the yardstick that the
// embedded target's request path is measured against in bench/.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "address to listen on")
	flag.Parse()
	fmt.Fprintf(os.Stdout, "hello: listening on http://%s\n", *addr)
	log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "[MainHandler] Hello, world")
	})))
}
