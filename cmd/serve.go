package cmd

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/spf13/cobra"

	"github.com/blockprobe/blockprobe/target"
)

// ServeOptions are the options of `blockprobe serve`.
type ServeOptions struct {
	IO     IOStreams
	Target targetFlags
	Addr   string
	Drain  time.Duration
}

// NewCmdServe builds `blockprobe serve`.
func NewCmdServe(streams IOStreams) *cobra.Command {
	o := &ServeOptions{IO: streams}
	c := &cobra.Command{
		Use:   "serve",
		Short: "Run the embedded event-loop target alone, for labs and other tools",
		Long: `Serve runs the embedded target: an HTTP server whose handlers all run on one
event-loop goroutine, as in Tornado, asyncio or Node. --loop picks whose
loop it models down to accept and read: a blocked loop accepts and reads
nothing, and each runtime orders accept, read and handlers its own way.

  GET /            MainHandler: answers at once
  GET /complex     ComplexHandler: works for --complex-delay, as --mode says
  GET /debug/loop  the loop's statistics as JSON (answered off the loop)

It serves until Ctrl-C (or SIGTERM), then stops accepting connections and
answers the requests already accepted for up to --drain; those still
waiting then get a 503 with Connection: close. It exits 0.`,
		Example: `  blockprobe serve --mode blocking --addr 127.0.0.1:8888
  blockprobe serve --mode blocking --loop node
  blockprobe serve --mode pooled --pool 5 --work cpu --gil`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return o.Run(c.Context())
		},
	}
	o.Target.register(c.Flags(), true)
	c.Flags().StringVar(&o.Addr, "addr", "127.0.0.1:8888", "address to listen on (port 0 picks a free port)")
	c.Flags().DurationVar(&o.Drain, "drain", target.DefaultDrain, "how long to wait for requests in flight at shutdown")
	return c
}

// Run serves until ctx is cancelled.
func (o *ServeOptions) Run(ctx context.Context) error {
	cfg, err := o.Target.config(o.Target.mode)
	if err != nil {
		return err
	}
	if o.Drain < 0 {
		return usageErrorf("--drain must be >= 0, got %s", o.Drain)
	}
	if _, _, err := net.SplitHostPort(o.Addr); err != nil {
		return usageErrorf("--addr %q: want host:port, e.g. 127.0.0.1:8888", o.Addr)
	}
	cfg.Addr = o.Addr
	cfg.ErrorLog = o.IO.ErrOut
	srv, err := target.Start(cfg)
	if errors.Is(err, target.ErrAddrInUse) {
		return withCode(ExitTarget, fmt.Errorf("cannot serve on %s: the port is in use", o.Addr))
	}
	if err != nil {
		return withCode(ExitUsage, err)
	}
	url := srv.URL()
	fmt.Fprintf(o.IO.Out, "blockprobe serve: %s mode on %s (%s)\n", cfg.Mode, url, describeTarget(srv.Config()))
	fmt.Fprintf(o.IO.Out, "  GET %s%-12s MainHandler\n", url, target.MainPath)
	fmt.Fprintf(o.IO.Out, "  GET %s%-12s ComplexHandler\n", url, target.ComplexPath)
	fmt.Fprintf(o.IO.Out, "  GET %s%-12s loop statistics (JSON)\n", url, target.DebugPath)
	fmt.Fprintln(o.IO.Out, "Press Ctrl-C to stop.")
	if !isLoopback(srv.Addr()) {
		fmt.Fprintf(o.IO.ErrOut, "blockprobe serve: warning: %s is reachable from other hosts\n", srv.Addr())
	}

	<-ctx.Done()
	fmt.Fprintf(o.IO.ErrOut, "blockprobe serve: shutting down (draining requests in flight for up to %s)\n", o.Drain)
	drainCtx, cancel := context.WithTimeout(context.Background(), o.Drain)
	defer cancel()
	var cut *target.DrainError
	if err := srv.Shutdown(drainCtx); errors.As(err, &cut) {
		fmt.Fprintf(o.IO.ErrOut, "blockprobe serve: requests in flight when --drain %s ran out: %d answered 503, %d cut off\n",
			o.Drain, cut.Answered503, cut.CutOff)
	}
	return nil
}

func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}
