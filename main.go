// Command blockprobe load-tests an HTTP server and shows, with measured
// numbers, whether a slow handler starves a fast one on an event loop.
package main

import (
	"os"

	"github.com/blockprobe/blockprobe/cmd"
)

func main() {
	os.Exit(cmd.Execute())
}
