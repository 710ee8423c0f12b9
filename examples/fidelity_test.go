package examples

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/blockprobe/blockprobe/target"
)

// The embedded GIL model agrees with real CPython, loosely (3x), on the
// cheapest scenario of bench/fidelity-gil.sh: one pool thread computing,
// MainHandler's median latency meanwhile. A busy host delays CPython more
// than the model, so a scenario gets three tries.
func TestGILModelAgreesWithCPython(t *testing.T) {
	srv := tornado(t)
	const (
		delay    = 1500 * time.Millisecond
		interval = target.DefaultSwitchInterval
	)
	var model, cpython time.Duration
	for attempt := 1; attempt <= 3; attempt++ {
		model = embeddedMain(t, target.Config{Mode: target.Pooled, Pool: 1, Work: target.CPU, GIL: true,
			SwitchInterval: interval, ComplexDelay: delay})
		url, pid := launch(t, srv, "--mode", "pooled", "--work", "cpu", "--pool", "1", "--delay", "1.5",
			"--port", "0")
		cpython = mainWhileComputing(t, url, delay, func() func() bool {
			return computing(t, pid, 100*time.Millisecond)
		})
		if model*3 >= cpython && cpython*3 >= model {
			return
		}
		t.Logf("attempt %d: MainHandler median %v on the model, %v on CPython", attempt, model, cpython)
	}
	t.Errorf("MainHandler median %v on the model, %v on CPython (one %v switch interval), want within 3x",
		model, cpython, interval)
}

// embeddedMain starts the embedded target with cfg and measures it.
func embeddedMain(t *testing.T, cfg target.Config) time.Duration {
	t.Helper()
	s, err := target.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.Shutdown(ctx)
	}()
	// The model's pool thread computes from when it is busy.
	return mainWhileComputing(t, s.URL(), cfg.ComplexDelay, func() func() bool {
		return func() bool { p := s.Stats().Pool; return p != nil && p.Busy > 0 }
	})
}

// mainWhileComputing sends one ComplexHandler request and, once the work
// has begun (watch returns the check, made before the request is sent),
// MainHandler probes 50ms apart on a warm connection, and returns their
// median latency.
func mainWhileComputing(t *testing.T, url string, delay time.Duration, watch func() func() bool) time.Duration {
	t.Helper()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 20 * delay}
	fetch(t, c, url+"/")
	begun := watch()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fetch(t, c, url+"/complex")
	}()
	await(t, "ComplexHandler's computation", 20*delay, begun)
	var took []time.Duration
	for range 9 {
		_, _, d := fetch(t, c, url+"/")
		took = append(took, d)
		time.Sleep(50 * time.Millisecond)
	}
	<-done
	slices.Sort(took)
	return took[len(took)/2]
}
