package cmd

import (
	"strconv"
	"time"

	"github.com/spf13/pflag"

	"github.com/blockprobe/blockprobe/target"
)

// targetFlags are the flags that shape the embedded target, shared by serve,
// run and compare.
type targetFlags struct {
	mode           string
	loop           string
	complexDelay   time.Duration
	pool           int
	work           string
	executor       string
	gil            bool
	switchInterval time.Duration
}

func (f *targetFlags) register(fs *pflag.FlagSet, withMode bool) {
	if withMode {
		fs.StringVar(&f.mode, "mode", string(target.Blocking), "how ComplexHandler works: blocking, async or pooled")
	}
	fs.StringVar(&f.loop, "loop", string(target.Tornado), "event loop to model, down to accept and read: tornado (asyncio) or node (libuv); go: no model, net/http accepts and reads in parallel (a fast baseline)")
	fs.DurationVar(&f.complexDelay, "complex-delay", target.DefaultComplexDelay, "how long ComplexHandler works")
	fs.IntVar(&f.pool, "pool", target.DefaultPool, "worker pool size in pooled mode (ThreadPoolExecutor(N))")
	fs.StringVar(&f.work, "work", string(target.Sleep), "kind of work: sleep (blocking I/O) or cpu (busy computation)")
	fs.StringVar(&f.executor, "executor", string(target.Thread), "pooled mode's workers: thread (ThreadPoolExecutor, sharing the GIL) or process (ProcessPoolExecutor, sharing only the cores)")
	fs.BoolVar(&f.gil, "gil", false, "model CPython's global interpreter lock")
	fs.DurationVar(&f.switchInterval, "switch-interval", target.DefaultSwitchInterval, "GIL switch interval (sys.getswitchinterval())")
}

// config checks the flags and returns the target's configuration for mode.
// The rules are target.Config's; the command line adds only that a zero,
// which the library reads as "the default", is no value for --pool or
// --switch-interval.
func (f *targetFlags) config(mode string) (target.Config, error) {
	if f.pool == 0 {
		return target.Config{}, usageErrorf("--pool must be at least 1 worker, got 0")
	}
	if f.switchInterval == 0 {
		return target.Config{}, usageErrorf("--switch-interval must be > 0, got 0s")
	}
	c := target.Config{
		Mode:           target.Mode(mode),
		Loop:           target.LoopKind(f.loop),
		ComplexDelay:   f.complexDelay,
		Pool:           f.pool,
		Work:           target.Work(f.work),
		Executor:       target.Executor(f.executor),
		GIL:            f.gil,
		SwitchInterval: f.switchInterval,
	}
	if err := c.Validate(); err != nil {
		return target.Config{}, optionError(err)
	}
	return c, nil
}

// describeTarget is the one-line description of an embedded target used in
// serve's banner and in reports.
func describeTarget(c target.Config) string {
	s := string(c.Loop) + " loop, complex-delay " + c.ComplexDelay.String() + ", work " + string(c.Work)
	if c.Mode == target.Pooled {
		s += ", pool " + strconv.Itoa(c.Pool)
		if c.Executor == target.Process {
			s += " processes"
		}
	}
	if c.GIL {
		s += ", GIL on (switch interval " + c.SwitchInterval.String() + ")"
	} else {
		s += ", GIL off"
	}
	return s
}
