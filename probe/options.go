package probe

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Options configure one run of the scenario (DESIGN §2).
type Options struct {
	// MainURL is the fast handler probed at the baseline and under load;
	// ComplexURL the slow handler that makes the load.
	MainURL, ComplexURL string
	// Baseline is how many MainHandler requests are sent one after another
	// on the idle target before the load starts.
	Baseline int
	// Concurrency is the number of closed-loop ComplexHandler workers.
	Concurrency int
	// Duration is the load window: workers start no request after it ends,
	// and no probe is scheduled after it.
	Duration time.Duration
	// Rate is how many MainHandler probes per second are sent open-loop
	// during the load window.
	Rate float64
	// ProbeConns caps how many probes may be in flight at once; zero means no
	// cap. A cap makes late probes wait on the client side, as a browser's
	// six connections per host or a closed-loop tool do: their uncorrected
	// latency then hides the wait, their corrected latency does not.
	ProbeConns int
	// ProbeOffset delays the first probe after the load starts (zero means
	// 20ms, or a tenth of a shorter window), so that the
	// load has reached the target when probing begins.
	ProbeOffset time.Duration
	// Timeout bounds each request.
	Timeout time.Duration
	// Grace bounds how long in-flight requests are awaited after the run is
	// interrupted.
	Grace time.Duration
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
	// Pacer schedules the probes; nil means a ConstantPacer at Rate.
	Pacer Pacer
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
	maxProbeOffset         = 20 * time.Millisecond
)

// ErrInvalid marks options that cannot make a run.
var ErrInvalid = errors.New("invalid options")

// Validate reports the first option that cannot make a run, wrapped in
// ErrInvalid.
func (o Options) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, a...)...)
	}
	for name, u := range map[string]string{"main URL": o.MainURL, "complex URL": o.ComplexURL} {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return bad("%s %q is not an http(s) URL", name, u)
		}
	}
	switch {
	case o.Baseline < 0:
		return bad("baseline must be >= 0, got %d", o.Baseline)
	case o.Concurrency < 0:
		return bad("concurrency must be >= 0, got %d", o.Concurrency)
	case o.Duration <= 0:
		return bad("duration must be > 0, got %s", o.Duration)
	case o.Rate < 0:
		return bad("rate must be >= 0, got %g", o.Rate)
	case o.Timeout < 0:
		return bad("timeout must be >= 0, got %s", o.Timeout)
	case o.StarveThreshold < 0:
		return bad("starve threshold must be >= 0, got %s", o.StarveThreshold)
	case o.ProbeConns < 0:
		return bad("probe connections must be >= 0, got %d", o.ProbeConns)
	case o.ProbeOffset < 0 || o.ProbeOffset >= o.Duration:
		return bad("probe delay must be >= 0 and shorter than the load window, got %s", o.ProbeOffset)
	case o.MaxRecords < 0:
		return bad("max records must be >= 0, got %d", o.MaxRecords)
	case o.MaxRequests < 0:
		return bad("max requests must be >= 0, got %d", o.MaxRequests)
	case o.MaxBody < 0:
		return bad("max body must be >= 0, got %d", o.MaxBody)
	}
	return nil
}

// withDefaults fills zero fields with their defaults.
func (o Options) withDefaults() Options {
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Grace == 0 {
		o.Grace = DefaultGrace
	}
	if o.MaxRequests == 0 {
		o.MaxRequests = DefaultMaxRequests
	}
	if o.MaxRecords == 0 {
		o.MaxRecords = DefaultMaxRecords
	}
	if o.MaxBody == 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.ProbeOffset == 0 {
		o.ProbeOffset = min(maxProbeOffset, o.Duration/10)
	}
	if o.Pacer == nil {
		o.Pacer = ConstantPacer{Rate: o.Rate, Start: o.ProbeOffset, Stop: o.Duration}
	}
	if o.ComplexMethod == "" {
		o.ComplexMethod = http.MethodGet
	}
	return o
}
