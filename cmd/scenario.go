package cmd

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/dustin/go-humanize"

	"github.com/spf13/pflag"

	"github.com/blockprobe/blockprobe/probe"
)

// scenarioFlags shape the probe scenario (README: blockprobe run), shared by run and
// compare.
type scenarioFlags struct {
	baseline        int
	concurrency     int
	loadRate        float64
	stages          stagesFlag
	duration        time.Duration
	rate            float64
	timeout         time.Duration
	grace           time.Duration
	starveThreshold time.Duration
	maxRequests     int
	probeConns      int
	repeat          int
	probeDelay      time.Duration
	maxRecords      int
	headers         []string
	method          string
	body            string
	bodyFile        string
	insecure        bool
	maxBody         byteSize
	loopStats       string

	header   http.Header // parsed from headers by validate
	bodyData []byte      // from body or bodyFile
	shard    probe.Shard // set by run's shardFlags
	startAt  time.Time
}

// checkedElsewhere stands for the URLs when the scenario's other options
// are checked.
const checkedElsewhere = "http://127.0.0.1/"

// externalDuration is the load window against an external target, where the
// complex delay is not known.
const externalDuration = 10 * time.Second

func (f *scenarioFlags) register(fs *pflag.FlagSet) {
	fs.IntVar(&f.baseline, "baseline", probe.DefaultBaseline, "MainHandler requests sent one by one on the idle target")
	fs.IntVar(&f.concurrency, "concurrency", probe.DefaultConcurrency, "ComplexHandler requests kept in flight during the load window")
	fs.Float64Var(&f.loadRate, "load-rate", 0, "send ComplexHandler requests open-loop at this many per second instead of by --concurrency workers")
	fs.Var(&f.stages, "stages", "change the load over time: DURATION:WORKERS,... (10s:1,10s:4) or DURATION:RATE/s,... (10s:5/s,10s:20/s); the load window is their total")
	fs.DurationVar(&f.duration, "duration", 0, "load window (default: one --complex-delay on the embedded target, 10s on an external one)")
	fs.Float64Var(&f.rate, "rate", probe.DefaultRate, "MainHandler probes per second under load (open loop)")
	fs.DurationVar(&f.timeout, "timeout", probe.DefaultTimeout, "per-request timeout")
	fs.DurationVar(&f.grace, "grace", 0, "once the window is over and the probes are done, cut off ComplexHandler requests still in flight this long after the window (cut_off; default: --timeout)")
	fs.DurationVar(&f.starveThreshold, "starve-threshold", probe.DefaultStarveThreshold, "how far MainHandler's p99 may rise above idle before it counts as starved")
	fs.IntVar(&f.maxRequests, "max-requests", probe.DefaultMaxRequests, "cap on the number of requests in one run")
	fs.IntVar(&f.probeConns, "probe-conns", 0, "cap on MainHandler probes in flight (0: none); a cap shows what coordinated omission hides")
	fs.IntVar(&f.repeat, "repeat", 1, "run the scenario N times and report the median of each figure, with its spread")
	fs.DurationVar(&f.probeDelay, "probe-delay", 0, "start probing this long after the load starts (default 20ms; longer to probe only once a heavy load is in place)")
	fs.IntVar(&f.maxRecords, "max-records", probe.DefaultMaxRecords, "request records kept for the report; figures still count every request")
	fs.StringArrayVar(&f.headers, "header", nil, "add a header to every request, 'Name: value' (repeatable)")
	fs.StringVar(&f.method, "method", http.MethodGet, "HTTP method of the ComplexHandler request")
	fs.StringVar(&f.body, "body", "", "body of the ComplexHandler request")
	fs.StringVar(&f.bodyFile, "body-file", "", "read the body of the ComplexHandler request from this file")
	fs.BoolVar(&f.insecure, "insecure", false, "skip TLS certificate checks (self-signed test servers)")
	fs.StringVar(&f.loopStats, "loop-stats", "", "a loop agent's /debug/loop URL (agents/README.md): name the handler and line that held an external server's loop (default: try TARGET/debug/loop)")
	f.maxBody = probe.DefaultMaxBody
	fs.Var(&f.maxBody, "max-body", "read at most this much of an answer's body (e.g. 64KiB, 10MiB); a longer one counts as a too_large error")
}

// validate checks the flags; embeddedDelay is the complex delay of the
// embedded target, or -1 for an external one, and sets the default window.
func (f *scenarioFlags) validate(fs *pflag.FlagSet, embeddedDelay time.Duration) error {
	if err := f.validateLoad(fs); err != nil {
		return err
	}
	if len(f.stages.stages) > 0 {
		f.duration = f.stages.total()
	} else if !fs.Changed("duration") {
		f.duration = externalDuration
		if embeddedDelay >= 0 {
			f.duration = max(embeddedDelay, 100*time.Millisecond)
		}
	}
	// The scenario's rules are probe.Options'; the command line adds what
	// exists only here: --repeat, --body against --body-file, and that a
	// zero, which the library reads as "the default", is no value for the
	// flags whose default it would stand for.
	switch {
	case f.repeat < 1 || f.repeat > 100:
		return usageErrorf("--repeat must be between 1 and 100, got %d", f.repeat)
	case f.body != "" && f.bodyFile != "":
		return usageErrorf("--body and --body-file exclude each other")
	case f.timeout == 0:
		return usageErrorf("--timeout must be > 0, got 0s")
	case f.maxRequests == 0:
		return usageErrorf("--max-requests must be >= 1, got 0")
	case f.maxRecords == 0:
		return usageErrorf("--max-records must be >= 1, got 0")
	case f.maxBody == 0:
		return usageErrorf("--max-body must be at least 1 byte, got 0")
	}
	// The URLs are checked per target (parseTargets); any will do here.
	if err := f.options(checkedElsewhere, checkedElsewhere).Validate(); err != nil {
		return optionError(err)
	}
	var err error
	if f.header, err = parseHeaders(f.headers); err != nil {
		return err
	}
	switch {
	case f.bodyFile != "":
		if f.bodyData, err = readBodyFile(f.bodyFile); err != nil {
			return usageErrorf("--body-file: %v", err)
		}
	case f.body != "":
		f.bodyData = []byte(f.body)
	}
	return nil
}

// maxRequestBody caps --body-file: the body is held in memory and sent with
// every ComplexHandler request.
const maxRequestBody = 16 << 20

// readBodyFile reads a --body-file, refusing one longer than maxRequestBody
// without reading more than that (the file may be a pipe or a device).
func readBodyFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxRequestBody+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxRequestBody {
		return nil, fmt.Errorf("%s is longer than %s, the most a request body may be", name, humanize.IBytes(maxRequestBody))
	}
	return data, nil
}

// validateLoad checks that one flag says what the load is: --concurrency
// workers, a --load-rate, or --stages of either.
func (f *scenarioFlags) validateLoad(fs *pflag.FlagSet) error {
	stages := len(f.stages.stages) > 0
	switch {
	case fs.Changed("load-rate") && f.loadRate == 0:
		return usageErrorf("--load-rate must be > 0 requests/s, got 0 (without it, --concurrency workers send the load)")
	case fs.Changed("load-rate") && fs.Changed("concurrency"):
		return usageErrorf("--load-rate and --concurrency exclude each other: the load is a rate or a number of workers")
	case stages && fs.Changed("concurrency"):
		return usageErrorf("--stages and --concurrency exclude each other: the stages give the workers (10s:4)")
	case stages && fs.Changed("load-rate"):
		return usageErrorf("--stages and --load-rate exclude each other: write the rates in the stages, as 10s:5/s,10s:20/s")
	case stages && fs.Changed("duration"):
		return usageErrorf("--stages and --duration exclude each other: the stages' durations add up to the load window")
	}
	return nil
}

// openRate is the rate of open-loop load (with stages of rates, the
// highest), zero for workers.
func (f *scenarioFlags) openRate() float64 {
	if f.stages.rates {
		return f.stages.peak()
	}
	return f.loadRate
}

// workers is how many closed-loop workers the load may need at once.
func (f *scenarioFlags) workers() int {
	switch {
	case f.openRate() > 0:
		return 0
	case len(f.stages.stages) > 0:
		return int(f.stages.peak())
	}
	return f.concurrency
}

func (f *scenarioFlags) options(mainURL, complexURL string) probe.Options {
	return probe.Options{
		MainURL:         mainURL,
		ComplexURL:      complexURL,
		Baseline:        f.baseline,
		Concurrency:     f.concurrency,
		LoadRate:        f.openRate(),
		Stages:          f.stages.stages,
		Duration:        f.duration,
		Rate:            f.rate,
		Timeout:         f.timeout,
		LoadGrace:       f.grace,
		StarveThreshold: f.starveThreshold,
		MaxRequests:     f.maxRequests,
		ProbeConns:      f.probeConns,
		MaxRecords:      f.maxRecords,
		ProbeDelay:      f.probeDelay,
		Header:          f.header,
		ComplexMethod:   f.method,
		ComplexBody:     f.bodyData,
		Insecure:        f.insecure,
		MaxBody:         int64(f.maxBody),
		LoopStatsURL:    f.loopStats,
		Shard:           f.shard,
		StartAt:         f.startAt,
	}
}
