package probe

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"

	"github.com/blockprobe/blockprobe/internal/option"
)

// Options configure one run of the scenario (README: blockprobe run).
type Options struct {
	// MainURL is the fast handler probed at the baseline and under load;
	// ComplexURL the slow handler that makes the load.
	MainURL, ComplexURL string
	// Baseline is how many MainHandler requests are sent one after another
	// on the idle target before the load starts.
	Baseline int
	// Concurrency is the number of closed-loop ComplexHandler workers.
	Concurrency int
	// LoadRate, when above zero, sends ComplexHandler requests open-loop
	// instead of by Concurrency workers: at LoadRate per second, each at its
	// scheduled time on its own goroutine, as the probes are sent, and timed
	// from that time. With Stages, it only makes the load open-loop: the
	// stages' levels are the rates.
	LoadRate float64
	// Stages, when set, change the load over the window: each stage's
	// Level is its number of workers, or its rate with LoadRate. Probes go
	// on throughout. The load window is the stages' total.
	Stages []Stage
	// Duration is the load window: workers start no request after it ends,
	// and no probe is scheduled after it. With Stages it is their total, or
	// zero.
	Duration time.Duration
	// Rate is how many MainHandler probes per second are sent open-loop
	// during the load window.
	Rate float64
	// ProbeConns caps how many probes may be in flight at once; zero means no
	// cap. A cap makes late probes wait on the client side, as a browser's
	// six connections per host or a closed-loop tool do: their uncorrected
	// latency then hides the wait, their corrected latency does not.
	ProbeConns int
	// ProbeDelay delays the first probe after the load starts (zero means
	// 20ms, or a tenth of a shorter window), so that the load has reached
	// the target when probing begins (--probe-delay).
	ProbeDelay time.Duration
	// Timeout bounds each request.
	Timeout time.Duration
	// Grace bounds how long in-flight requests are awaited after the run is
	// interrupted.
	Grace time.Duration
	// LoadGrace bounds the wait for the load after its window: once the
	// window is over and every probe is done, ComplexHandler requests still
	// in flight LoadGrace after the window are cut off (ErrCutOff). So a
	// run lasts at most its warm-up, baseline and window, then the longer
	// of its slowest probe (at most Timeout) and LoadGrace. Zero means
	// Timeout: no request is cut before it could time out.
	LoadGrace time.Duration
	// StarveThreshold is how far MainHandler's p99 may rise above its idle
	// p99 before it counts as starved.
	StarveThreshold time.Duration
	// MaxRequests caps the number of requests in the whole run.
	MaxRequests int
	// MaxRecords caps how many request records the Result keeps in memory;
	// the aggregates count every request regardless, and an Observer sees
	// every record. Zero means DefaultMaxRecords.
	MaxRecords int
	// Header is added to every request (a Host entry sets the Host header).
	Header http.Header
	// ComplexMethod and ComplexBody make the ComplexHandler request; the
	// default is a GET without a body.
	ComplexMethod string
	ComplexBody   []byte
	// MaxBody caps how much of an answer's body is read; an answer with a
	// longer body fails as ErrTooLarge and its connection is dropped. Bodies
	// are read through a small buffer and discarded, so the cap bounds the
	// time and bandwidth a hostile target can take, not the memory. Zero
	// means DefaultMaxBody.
	MaxBody int64
	// Insecure skips TLS certificate checks, for self-signed test servers.
	Insecure bool
	// Client, when set, sends the requests through net/http; nil means
	// blockprobe's own fasthttp client, which is faster.
	Client *http.Client
	// LoopStatsURL is a loop agent's /debug/loop (agents/README.md): when
	// set, the agent is read at the start, every LoopPoll (zero means
	// DefaultLoopPoll) and at the end, and Result.Loop says what it saw.
	LoopStatsURL string
	LoopPoll     time.Duration
	// Pacer schedules the probes; nil means a ConstantPacer at Rate.
	Pacer Pacer
	// Shard makes this run one of several generators of one run
	// (shard.go); the zero Shard is a whole run.
	Shard Shard
	// StartAt, when set, is the wall-clock instant the load window begins,
	// the same for every shard; zero starts it after the baseline.
	StartAt time.Time
	// Observer is told of the run's progress; nil means nobody listens.
	Observer Observer
}

// Defaults used when a field is zero, as documented for the CLI.
const (
	DefaultBaseline        = 20
	DefaultConcurrency     = 1
	DefaultRate            = 20
	DefaultTimeout         = 30 * time.Second
	DefaultGrace           = time.Second
	DefaultStarveThreshold = 50 * time.Millisecond
	DefaultMaxRequests     = 10_000_000
	DefaultMaxRecords      = 1_000_000
	DefaultMaxBody         = 10 << 20
	maxProbeDelay          = 20 * time.Millisecond
)

// ErrInvalid marks options that cannot make a run.
var ErrInvalid = errors.New("invalid options")

// MaxRate is the highest probe rate: one process sends about 70,000-90,000
// requests a second on one core (bench/RESULTS.md); far beyond that the
// generator cannot keep the schedule and the run would measure itself.
const MaxRate = 100_000

// OptionError names the option that cannot make a run, by the name the
// command line gives it (Option), and says why; it errors.Is ErrInvalid.
type OptionError = option.Error

// bad is the OptionError of the option name.
func bad(name, format string, a ...any) error { return option.Bad(ErrInvalid, name, format, a...) }

// Validate reports the first option that cannot make a run as an
// *OptionError (which errors.Is ErrInvalid). Zero stands for the default
// where a field says so. These are the only rules: the command line applies
// them too.
func (o Options) Validate() error {
	for _, u := range []string{o.MainURL, o.ComplexURL} {
		if err := CheckURL(u); err != nil {
			return bad("target", "%q: %v", RedactURLs(u), err)
		}
	}
	if o.LoopStatsURL != "" {
		if err := CheckURL(o.LoopStatsURL); err != nil {
			return bad("loop-stats", "%q: %v", RedactURLs(o.LoopStatsURL), err)
		}
	}
	if err := o.validateLoad(); err != nil {
		return err
	}
	if err := o.validateShard(time.Now()); err != nil {
		return err
	}
	window := o.window()
	return option.First(ErrInvalid,
		option.AtLeast("baseline", o.Baseline, 0),
		// !(a && b) rather than a || b: NaN breaks the rule too.
		option.Rule{Name: "rate", OK: o.Rate > 0 && o.Rate <= MaxRate, Want: fmt.Sprintf("> 0 and <= %d probes/s", MaxRate), Got: o.Rate},
		option.PositiveOrDefault("timeout", o.Timeout),
		option.AtLeast("grace", o.LoadGrace, 0),
		option.AtLeast("starve-threshold", o.StarveThreshold, 0),
		option.AtLeast("probe-conns", o.ProbeConns, 0),
		option.Rule{Name: "probe-delay", OK: o.ProbeDelay >= 0 && o.ProbeDelay < window,
			Want: fmt.Sprintf(">= 0 and shorter than the load window (%s)", window), Got: o.ProbeDelay},
		option.PositiveOrDefault("max-records", o.MaxRecords),
		option.PositiveOrDefault("max-requests", o.MaxRequests),
		option.PositiveOrDefault("loop-poll", o.LoopPoll),
		option.PositiveOrDefault("max-body", o.MaxBody),
		option.Rule{Name: "method", OK: o.ComplexMethod == "" || isToken(o.ComplexMethod), Want: "an HTTP method", Got: strconv.Quote(o.ComplexMethod)},
	)
}

// isToken reports whether s is an HTTP token, as a method must be.
func isToken(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return !httpguts.IsTokenRune(r) }) < 0
}

// validateLoad checks what makes the load: the workers or the rate, the
// window and the stages.
func (o Options) validateLoad() error {
	open := o.LoadRate > 0
	switch {
	case !(o.LoadRate >= 0 && o.LoadRate <= MaxRate): // rejects NaN too
		return bad("load-rate", "must be > 0 and <= %d requests/s, got %g", MaxRate, o.LoadRate)
	case len(o.Stages) > 0:
	case o.Duration <= 0:
		return bad("duration", "must be > 0, got %s", o.Duration)
	case !open && o.Concurrency < 1:
		return bad("concurrency", "must be >= 1, got %d", o.Concurrency)
	default:
		return nil
	}
	if len(o.Stages) > MaxStages {
		return bad("stages", "at most %d stages, got %d", MaxStages, len(o.Stages))
	}
	var total time.Duration
	for i, s := range o.Stages {
		switch {
		case s.Duration <= 0:
			return bad("stages", "stage %d lasts %s: each must last > 0", i+1, s.Duration)
		case open && !(s.Level >= 0 && s.Level <= MaxRate):
			return bad("stages", "stage %d: the rate must be >= 0 and <= %d requests/s, got %g", i+1, MaxRate, s.Level)
		case !open && !(s.Level >= 0 && s.Level <= maxStageWorkers && s.Level == math.Trunc(s.Level)):
			return bad("stages", "stage %d: want a whole number of workers from 0 to %d, got %g", i+1, maxStageWorkers, s.Level)
		}
		total += s.Duration
		if total < 0 {
			return bad("stages", "the stages last longer than %s", time.Duration(math.MaxInt64))
		}
	}
	if o.Duration != 0 && o.Duration != total {
		return bad("duration", "is the stages' total, %s, when there are stages; got %s", total, o.Duration)
	}
	return nil
}

// MaxStages bounds the stages of a run: each is measured apart, in about
// a megabyte of histograms.
const MaxStages = 100

// maxStageWorkers bounds a stage's workers, each a goroutine and a
// connection.
const maxStageWorkers = 1 << 20

// window is the load window: the stages' total, or Duration.
func (o Options) window() time.Duration {
	if len(o.Stages) == 0 {
		return o.Duration
	}
	var total time.Duration
	for _, s := range o.Stages {
		total += s.Duration
	}
	return total
}

// CheckURL checks that raw is an http(s) URL with a host and, if it names
// one, a port between 1 and 65535.
func CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("want an http(s) URL such as http://127.0.0.1:8888")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("port %s is not between 1 and 65535", p)
		}
	}
	return nil
}

// withDefaults fills zero fields with their defaults.
func (o Options) withDefaults() Options {
	o.Duration = o.window()
	o.Timeout = cmp.Or(o.Timeout, DefaultTimeout)
	o.Grace = cmp.Or(o.Grace, DefaultGrace)
	o.LoadGrace = cmp.Or(o.LoadGrace, o.Timeout)
	o.MaxRequests = cmp.Or(o.MaxRequests, DefaultMaxRequests)
	o.MaxRecords = cmp.Or(o.MaxRecords, DefaultMaxRecords)
	o.MaxBody = cmp.Or(o.MaxBody, DefaultMaxBody)
	o.LoopPoll = cmp.Or(o.LoopPoll, DefaultLoopPoll)
	o.ProbeDelay = cmp.Or(o.ProbeDelay, min(maxProbeDelay, o.Duration/10))
	if o.Pacer == nil {
		o.Pacer = ConstantPacer{Rate: o.Rate, Start: o.ProbeDelay, Stop: o.Duration}
	}
	o.Pacer = o.Shard.pacer(o.Pacer)
	if o.Shard.Sharded() && o.Shard.Index != BaselineShard {
		o.Baseline = 0
	}
	o.ComplexMethod = cmp.Or(o.ComplexMethod, http.MethodGet)
	return o
}
