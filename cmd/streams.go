package cmd

import (
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams is where a command reads and writes. Reports go to Out, progress
// and logs to ErrOut, so `blockprobe run --format json | jq` works.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// ErrIsTerminal says whether ErrOut is a terminal, where progress bars
	// may be drawn.
	ErrIsTerminal bool
	// CI is set when the CI environment variable is: no progress bars, ever.
	CI bool
}

// SystemStreams are the process's standard streams.
func SystemStreams() IOStreams {
	return IOStreams{
		In:            os.Stdin,
		Out:           os.Stdout,
		ErrOut:        os.Stderr,
		ErrIsTerminal: term.IsTerminal(int(os.Stderr.Fd())),
		CI:            os.Getenv("CI") != "" && os.Getenv("CI") != "false",
	}
}

// ShowProgress says whether progress bars belong on ErrOut.
func (s IOStreams) ShowProgress(disabled bool) bool {
	return !disabled && !s.CI && s.ErrIsTerminal
}
