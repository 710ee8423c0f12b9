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
	// OutIsTerminal says whether Out is a terminal, and OutWidth how many
	// columns wide (0 when unknown): the text report may then end with a
	// timeline, in colour.
	OutIsTerminal bool
	OutWidth      int
	// NoColor is set when the NO_COLOR environment variable is: no colour.
	NoColor bool
	// CI is set when the CI environment variable is: no progress bars, ever.
	CI bool
}

// SystemStreams are the process's standard streams.
func SystemStreams() IOStreams {
	s := IOStreams{
		In:            os.Stdin,
		Out:           os.Stdout,
		ErrOut:        os.Stderr,
		ErrIsTerminal: term.IsTerminal(int(os.Stderr.Fd())),
		OutIsTerminal: term.IsTerminal(int(os.Stdout.Fd())),
		NoColor:       os.Getenv("NO_COLOR") != "",
		CI:            os.Getenv("CI") != "" && os.Getenv("CI") != "false",
	}
	if s.OutIsTerminal {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil {
			s.OutWidth = w
		}
	}
	return s
}

// ShowProgress says whether progress bars belong on ErrOut.
func (s IOStreams) ShowProgress(disabled bool) bool {
	return !disabled && !s.CI && s.ErrIsTerminal
}
