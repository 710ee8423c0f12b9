package probe

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/blockprobe/blockprobe/internal/loopback"
	"github.com/blockprobe/blockprobe/target"
)

func startTarget(t *testing.T, cfg target.Config) string {
	t.Helper()
	srv, err := target.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return srv.URL()
}

func options(base string, d time.Duration) Options {
	return Options{
		MainURL:     base + target.MainPath,
		ComplexURL:  base + target.ComplexPath,
		Baseline:    10,
		Concurrency: 1,
		Duration:    d,
		Rate:        40,
		Timeout:     5 * time.Second,
		// Not the 50ms default: these tests share a 2-core machine with other
		// packages' CPU-bound tests; blocking runs stay far above 150ms.
		StarveThreshold: 150 * time.Millisecond,
	}
}

// run runs o with blockprobe's own client, as the CLI does.
func run(t *testing.T, ctx context.Context, o Options) (*Result, error) {
	t.Helper()
	return Run(ctx, o)
}

func TestRunAgainstEachMode(t *testing.T) {
	const delay = 300 * time.Millisecond
	for _, mode := range target.Modes {
		t.Run(string(mode), func(t *testing.T) {
			base := startTarget(t, target.Config{Mode: mode, ComplexDelay: delay})
			res, err := run(t, context.Background(), options(base, delay))
			if err != nil {
				t.Fatal(err)
			}
			probes := res.MainLoaded.Count
			if want := res.MainBaseline.Count + probes + res.ComplexLoaded.Count; len(res.Records) != want {
				t.Errorf("%d records for %d requests", len(res.Records), want)
			}
			if res.MainBaseline.OK != 10 || probes < 8 || res.ComplexLoaded.OK != 1 {
				t.Errorf("baseline ok %d, probes %d, complex ok %d", res.MainBaseline.OK, probes, res.ComplexLoaded.OK)
			}
			if res.Partial || !res.Verdict.Conclusive {
				t.Errorf("partial %v conclusive %v", res.Partial, res.Verdict.Conclusive)
			}
			starved := mode == target.Blocking
			if res.Verdict.Starved != starved {
				t.Errorf("starved = %v (p99 %v vs %v idle), want %v", res.Verdict.Starved, res.MainLoaded.P99, res.MainBaseline.P99, starved)
			}
			if starved {
				checkRamp(t, res.Records, delay)
			} else if res.MainLoaded.P99 > delay/3 {
				t.Errorf("main p99 %v under load, want far below the %v delay", res.MainLoaded.P99, delay)
			}
		})
	}
}

// checkRamp checks the blocking shape: the earlier a probe was scheduled in
// the block, the longer it waited, from about the delay down to about zero.
func checkRamp(t *testing.T, rs []Record, delay time.Duration) {
	t.Helper()
	var probes []Record
	for _, r := range rs {
		if r.Endpoint == Main && r.Phase == Loaded {
			probes = append(probes, r)
		}
	}
	sort.Slice(probes, func(i, j int) bool { return probes[i].Scheduled < probes[j].Scheduled })
	first, last := probes[0].Latency(), probes[len(probes)-1].Latency()
	if first < delay*6/10 || first > delay*3/2 {
		t.Errorf("first probe waited %v, want about the %v delay", first, delay)
	}
	if last > first/2 {
		t.Errorf("last probe waited %v, first %v: not a falling ramp", last, first)
	}
	for i := 1; i < len(probes); i++ {
		if probes[i].Latency() > probes[i-1].Latency()+20*time.Millisecond {
			t.Errorf("probe %d waited %v, more than the one before (%v): not a falling ramp", i, probes[i].Latency(), probes[i-1].Latency())
		}
	}
}

// With one probe connection, later probes queue in the client: measured from
// the actual send they look fast, measured from the schedule they do not.
func TestUncorrectedLatencyHidesClientSideQueueing(t *testing.T) {
	const delay = 300 * time.Millisecond
	base := startTarget(t, target.Config{Mode: target.Blocking, ComplexDelay: delay})
	o := options(base, delay)
	o.ProbeConns = 1
	res, err := run(t, context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.MainLoaded.P50 < 5*res.MainLoadedUncorrected.P50 || res.MainLoaded.P50 < 50*time.Millisecond {
		t.Errorf("p50 corrected %v vs uncorrected %v: want the uncorrected to hide the wait", res.MainLoaded.P50, res.MainLoadedUncorrected.P50)
	}
	// Counted as lag, the wait for the one connection would put the p99
	// near the delay; a busy machine alone can delay the pacer by tens of
	// milliseconds.
	if res.GeneratorLagP99 > delay/3 {
		t.Errorf("generator lag p99 %v: waiting for a connection is not the generator's lag", res.GeneratorLagP99)
	}
}

func TestRunRefusesAnUnreachableTarget(t *testing.T) {
	base := loopback.ClosedURL(t)
	start := time.Now()
	_, err := run(t, context.Background(), options(base, time.Second))
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), ": "+string(ErrRefused)+" (") {
		t.Errorf("err = %v, want ErrUnreachable (connection refused)", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("took %v to give up on a refused connection", time.Since(start))
	}
}

func TestProbesThatTimeOutAreStarvation(t *testing.T) {
	base := startTarget(t, target.Config{Mode: target.Blocking, ComplexDelay: time.Second})
	o := options(base, 300*time.Millisecond)
	o.Timeout = 150 * time.Millisecond // the complex request times out too
	o.StarveThreshold = 50 * time.Millisecond
	res, err := run(t, context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	timeouts := res.MainLoaded.ErrorsByClass[string(ErrTimeout)]
	if timeouts == 0 || !res.Verdict.Starved || res.Verdict.Stalled != timeouts {
		t.Errorf("timeouts %d, verdict %+v: want timed-out probes counted and judged starved", timeouts, res.Verdict)
	}
	if res.ComplexLoaded.ErrorsByClass[string(ErrTimeout)] == 0 {
		t.Errorf("complex errors %v, want its timeout counted", res.ComplexLoaded.ErrorsByClass)
	}
	for _, r := range res.Records {
		if r.Err == ErrTimeout && (r.Status != 0 || r.Detail == "") {
			t.Errorf("timed-out record %+v has a status or no detail", r)
		}
	}
}

func TestNon2xxAnswersAreCountedByStatus(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/complex" {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	defer srv.Close()
	o := options(srv.URL, 100*time.Millisecond)
	o.Concurrency = 2
	res, err := run(t, context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	c := res.ComplexLoaded
	if c.Count == 0 || c.OK != 0 || c.ErrorsByClass["status_500"] != c.Count {
		t.Errorf("complex stats %+v, want every answer counted as status_500", c)
	}
}

func TestInterruptedRunReturnsWhatItMeasured(t *testing.T) {
	base := startTarget(t, target.Config{Mode: target.Async, ComplexDelay: 10 * time.Second})
	o := options(base, 10*time.Second)
	o.Grace = 200 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	res, err := run(t, ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("interrupted run took %v to return", took)
	}
	if !res.Partial || res.MainBaseline.OK != 10 || res.MainLoaded.OK == 0 {
		t.Errorf("partial %v, baseline ok %d, probes ok %d: want a partial result with what was measured",
			res.Partial, res.MainBaseline.OK, res.MainLoaded.OK)
	}
	if res.ComplexLoaded.ErrorsByClass[string(ErrCanceled)] != 1 {
		t.Errorf("complex errors %v, want the cut-off request counted as canceled", res.ComplexLoaded.ErrorsByClass)
	}
}

func TestMaxRequestsBoundsTheRun(t *testing.T) {
	o := options(loopback.Answering(t), 2*time.Second)
	o.Concurrency = 4
	o.MaxRequests = 200
	start := time.Now()
	res, err := run(t, context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) > 200 {
		t.Errorf("%d requests, cap was 200", len(res.Records))
	}
	if time.Since(start) > 1500*time.Millisecond {
		t.Errorf("run kept going for %v after its request cap", time.Since(start))
	}
}

func TestValidate(t *testing.T) {
	good := options("http://127.0.0.1:1", time.Second)
	cases := []struct {
		name string
		edit func(*Options)
	}{
		{"bad main URL", func(o *Options) { o.MainURL = "ftp://x" }},
		{"no host", func(o *Options) { o.ComplexURL = "http://" }},
		{"negative baseline", func(o *Options) { o.Baseline = -1 }},
		{"zero duration", func(o *Options) { o.Duration = 0 }},
		{"negative rate", func(o *Options) { o.Rate = -1 }},
		{"negative probe conns", func(o *Options) { o.ProbeConns = -1 }},
	}
	if err := good.Validate(); err != nil {
		t.Fatalf("good options: %v", err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := good
			tc.edit(&o)
			if err := o.Validate(); !errors.Is(err, ErrInvalid) {
				t.Errorf("Validate = %v, want ErrInvalid", err)
			}
		})
	}
}

// Beyond MaxRecords, records are not kept, but every request still counts
// in the figures and reaches the observer.
func TestMaxRecordsBoundsMemoryNotFigures(t *testing.T) {
	o := options(loopback.Answering(t), 300*time.Millisecond)
	o.Concurrency = 2
	o.MaxRecords = 15
	var seen counter
	o.Observer = &seen
	res, err := run(t, context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	total := res.MainBaseline.Count + res.MainLoaded.Count + res.ComplexLoaded.Count
	if len(res.Records) != 15 || res.Dropped != total-15 || total < 50 {
		t.Errorf("kept %d, dropped %d of %d requests; want 15 kept and the rest counted as dropped", len(res.Records), res.Dropped, total)
	}
	if int(seen.n.Load()) != total {
		t.Errorf("observer saw %d records of %d", seen.n.Load(), total)
	}
}

type counter struct{ n atomic.Int64 }

func (c *counter) PhaseStarted(Phase, int, time.Duration) {}
func (c *counter) RequestDone(Record)                     { c.n.Add(1) }

// Both senders speak TLS to a self-signed server when told to skip the
// certificate check, and report a TLS error when not.
func TestTLSTargets(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer srv.Close()
	for _, tc := range []struct {
		name     string
		netHTTP  bool
		insecure bool
	}{{"fasthttp insecure", false, true}, {"net/http insecure", true, true}, {"fasthttp verified", false, false}, {"net/http verified", true, false}} {
		t.Run(tc.name, func(t *testing.T) {
			o := options(srv.URL, 100*time.Millisecond)
			o.Insecure = tc.insecure
			if tc.netHTTP {
				o.Client = NewClient(4, time.Second, tc.insecure)
				defer o.Client.CloseIdleConnections()
			}
			res, err := run(t, context.Background(), o)
			if !tc.insecure {
				if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), string(ErrTLS)) {
					t.Errorf("self-signed certificate checked: err %v, want ErrUnreachable (tls)", err)
				}
				return
			}
			if err != nil || res.MainLoaded.OK == 0 || res.ComplexLoaded.OK == 0 {
				t.Errorf("err %v; want answered probes and load over TLS", err)
			}
		})
	}
}

// Every request the target saw is a record, and every reset is counted: the
// client must not retry behind the run's back.
func TestResetsAreNotRetried(t *testing.T) {
	var seen atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := seen.Add(1)
		if r.URL.Path == "/complex" || n%2 == 0 {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.(*net.TCPConn).SetLinger(0)
				conn.Close()
			}
		}
	}))
	defer srv.Close()
	o := options(srv.URL, 300*time.Millisecond)
	res, err := run(t, context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := int64(len(res.Records))+1, seen.Load(); got != want { // +1: the warm-up
		t.Errorf("the target saw %d requests, the run recorded %d (+1 warm-up): requests were retried", want, got-1)
	}
	resets := res.MainBaseline.ErrorsByClass["reset"] + res.MainLoaded.ErrorsByClass["reset"]
	if resets == 0 || res.ComplexLoaded.ErrorsByClass["reset"] == 0 {
		t.Errorf("resets not counted: main %d, complex %v", resets, res.ComplexLoaded.ErrorsByClass)
	}
}

// A probe waiting for a capped connection gives up at its timeout.
func TestProbeConnsWaitIsBoundedByTheTimeout(t *testing.T) {
	base := startTarget(t, target.Config{Mode: target.Blocking, ComplexDelay: 2 * time.Second})
	o := options(base, 300*time.Millisecond)
	o.ProbeConns, o.Timeout = 1, 200*time.Millisecond
	start := time.Now()
	res, err := run(t, context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 1500*time.Millisecond {
		t.Errorf("run took %v: probes queued for a connection outlived their 200ms timeout", took)
	}
	if res.MainLoaded.ErrorsByClass["timeout"] < 2 {
		t.Errorf("errors %v: want the queued probes timed out", res.MainLoaded.ErrorsByClass)
	}
}

// A run's wall time is bounded by its settings, not by the slowest
// handler: once the window is over and the probes are done, load requests
// still in flight LoadGrace after the window are cut off, counted apart
// (cut_off) and not as a failure, and the verdict still stands.
func TestLoadGraceBoundsTheRun(t *testing.T) {
	base := startTarget(t, target.Config{Mode: target.Async, ComplexDelay: 3 * time.Second})
	o := options(base, time.Second)
	o.LoadGrace = 200 * time.Millisecond
	begin := time.Now()
	res, err := run(t, context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(begin)
	// Baseline, 1s window, 0.2s grace: about 1.3s. The handler takes 3s.
	if took > 2500*time.Millisecond {
		t.Errorf("the run took %v against a 3s handler; want it bounded near 1s window + 0.2s grace", took)
	}
	c := res.ComplexLoaded
	if c.Count != 1 || c.ErrorsByClass[string(ErrCutOff)] != 1 {
		t.Errorf("complex %+v: want its one request cut off", c)
	}
	if !res.Verdict.Conclusive || res.Verdict.Starved {
		t.Errorf("verdict %+v: want async judged not starved, the load having been applied", res.Verdict)
	}
	if res.MainLoaded.Errors != 0 {
		t.Errorf("probes %+v: a probe was cut", res.MainLoaded)
	}
}

// Without LoadGrace, a load request is awaited as long as it may take
// (up to its timeout): nothing is cut that was going to be answered.
func TestLoadIsAwaitedWithinTheTimeout(t *testing.T) {
	base := startTarget(t, target.Config{Mode: target.Async, ComplexDelay: 600 * time.Millisecond})
	res, err := run(t, context.Background(), options(base, 200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if c := res.ComplexLoaded; c.Count != 1 || c.OK != 1 {
		t.Errorf("complex %+v: want its one request answered, not cut", c)
	}
}
