package target

import (
	"errors"
	"io"
	"time"

	"github.com/blockprobe/blockprobe/internal/option"
)

// Mode is how ComplexHandler does its work.
type Mode string

// The modes of the embedded target (README: How the embedded target models an event loop).
const (
	// Blocking runs the work on the loop itself, like time.sleep(5) in a
	// Tornado handler: everything else waits.
	Blocking Mode = "blocking"
	// Async arms a timer and returns to the loop, like await asyncio.sleep(5);
	// CPU work still runs on the loop.
	Async Mode = "async"
	// Pooled hands the work to a bounded worker pool, like run_on_executor
	// with ThreadPoolExecutor(5); the answer is written back on the loop.
	Pooled Mode = "pooled"
)

// Modes lists every mode, in the order reports show them.
var Modes = []Mode{Blocking, Async, Pooled}

// ParseMode checks a --mode value.
func ParseMode(s string) (Mode, error) { return choose("mode", s, Modes...) }

// Defaults of the embedded target, as in the article the project began from.
const (
	DefaultComplexDelay = 5 * time.Second
	DefaultPool         = 5
	DefaultAddr         = "127.0.0.1:0"
	DefaultDrain        = 5 * time.Second
	// DefaultReadHeaderTimeout bounds how long a client may take to send a
	// request's headers, so that a slowloris client cannot hold a connection.
	DefaultReadHeaderTimeout = 5 * time.Second
)

// Bounds of the embedded target's settings.
const (
	// MaxPool bounds --pool: each worker is a goroutine waiting for work,
	// and a pool of ten million took 24 GB. No executor is given 65,536
	// threads.
	MaxPool = 1 << 16
	// MaxComplexDelay bounds --complex-delay, far beyond any run, before
	// the timeouts computed from it overflow.
	MaxComplexDelay = 24 * time.Hour
)

// Config describes one embedded target.
type Config struct {
	Mode Mode
	// Loop is the event loop modelled; zero means Tornado.
	Loop         LoopKind
	ComplexDelay time.Duration
	Pool         int  // workers in pooled mode; zero means DefaultPool
	Work         Work // sleep or cpu
	GIL          bool // model CPython's global interpreter lock
	// SwitchInterval is the GIL's switch interval; zero means CPython's 5ms.
	SwitchInterval time.Duration
	// Executor is what pooled mode's workers are: threads (the default) or
	// processes.
	Executor Executor
	// Cores is how many processors the pool's computations share; zero
	// means the host's.
	Cores int
	// Addr is where to listen; the default binds loopback on a free port.
	Addr string
	// WriteTimeout bounds writing one answer, from the end of its headers;
	// zero means long enough for ten rounds of ComplexDelay plus a minute,
	// so a queue of pooled requests is not cut off mid-staircase.
	WriteTimeout time.Duration
	// ReadHeaderTimeout bounds reading one request's headers, from the moment
	// the server starts reading them; zero means DefaultReadHeaderTimeout.
	ReadHeaderTimeout time.Duration
	// ErrorLog receives net/http's own error messages; nil discards them.
	ErrorLog io.Writer
}

// ErrConfig marks a configuration that cannot make a target.
var ErrConfig = errors.New("invalid target configuration")

// OptionError names the field of a Config that cannot make a target, by
// the name the command line gives it (Option), and says why; it errors.Is
// ErrConfig.
type OptionError = option.Error

// withDefaults fills zero fields with their defaults.
func (c Config) withDefaults() Config {
	if c.Mode == "" {
		c.Mode = Blocking
	}
	if c.Work == "" {
		c.Work = Sleep
	}
	if c.Loop == "" {
		c.Loop = Tornado
	}
	if c.Executor == "" {
		c.Executor = Thread
	}
	if c.Pool == 0 {
		c.Pool = DefaultPool
	}
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = 10*c.ComplexDelay + time.Minute
	}
	if c.ReadHeaderTimeout == 0 {
		c.ReadHeaderTimeout = DefaultReadHeaderTimeout
	}
	if c.ErrorLog == nil {
		c.ErrorLog = io.Discard
	}
	return c
}

// Validate reports the first field that cannot make a target as an
// *OptionError (which errors.Is ErrConfig). Zero fields stand for their
// defaults. These are the only rules: the command line applies them too.
func (c Config) Validate() error {
	c = c.withDefaults()
	bad := func(name, format string, a ...any) error { return option.Bad(ErrConfig, name, format, a...) }
	if _, err := ParseMode(string(c.Mode)); err != nil {
		return bad("mode", ": %v", err)
	}
	if _, err := ParseWork(string(c.Work)); err != nil {
		return bad("work", ": %v", err)
	}
	if _, err := ParseLoopKind(string(c.Loop)); err != nil {
		return bad("loop", ": %v", err)
	}
	if c.GIL && c.Loop != Tornado {
		return bad("gil", "models CPython's lock; the %s loop has none (use --loop tornado)", c.Loop)
	}
	if _, err := ParseExecutor(string(c.Executor)); err != nil {
		return bad("executor", ": %v", err)
	}
	return option.First(ErrConfig,
		option.AtLeast("complex-delay", c.ComplexDelay, 0),
		option.AtMost("complex-delay", c.ComplexDelay, MaxComplexDelay),
		option.AtLeast("pool", c.Pool, 1), // withDefaults made a zero the default
		option.AtMost("pool", c.Pool, MaxPool),
		option.AtLeast("cores", c.Cores, 0),
		option.PositiveOrDefault("switch-interval", c.SwitchInterval),
		option.AtLeast("write-timeout", c.WriteTimeout, 0),
		option.AtLeast("read-header-timeout", c.ReadHeaderTimeout, 0),
	)
}
