// Package cmd is blockprobe's command line: it maps flags to options and
// calls target, probe and report. Decisions live in functions tests can call
// without cobra.
package cmd

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
)

// Execute runs blockprobe with the process's arguments and streams and
// returns the exit code. The first SIGINT or SIGTERM cancels the command's
// context, so a run stops and reports what it measured; a second one kills
// the process at once.
func Execute() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // restore the default action: a second signal ends the process
	}()
	return Run(ctx, os.Args[1:], SystemStreams())
}

// Run runs blockprobe with args and returns the exit code. Errors are
// printed to ErrOut as one line.
func Run(ctx context.Context, args []string, streams IOStreams) int {
	root := NewRootCmd(streams)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(streams.ErrOut, "blockprobe: %s\n", line)
		}
	}
	return codeOf(err)
}

// NewRootCmd builds the blockprobe command tree.
func NewRootCmd(streams IOStreams) *cobra.Command {
	root := &cobra.Command{
		Use:   "blockprobe",
		Short: "Show, with measured numbers, whether a slow handler starves a fast one",
		Long: `blockprobe load-tests an HTTP server and shows whether a slow handler
(ComplexHandler) starves a fast one (MainHandler) on an event loop, as a
blocking call does in Tornado, asyncio or Node.

Exit codes:
  0    done, and expectations met
  1    an expectation was not met
  2    bad usage or input
  3    the target could not be reached, or the run failed
  4    an output could not be written (report, --output, --results)
  130  interrupted (the partial report is still printed)`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return withCode(ExitUsage, err)
	})
	root.AddCommand(
		NewCmdRun(streams),
		NewCmdCompare(streams),
		NewCmdSweep(streams),
		NewCmdDiff(streams),
		NewCmdReport(streams),
		NewCmdMerge(streams),
		NewCmdServe(streams),
		NewCmdVersion(streams),
		NewCmdMan(streams),
	)
	return root
}
