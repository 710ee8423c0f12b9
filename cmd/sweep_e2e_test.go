package cmd_test

import (
	"strings"
	"testing"
	"time"

	bp "github.com/blockprobe/blockprobe/cmd"
	"github.com/blockprobe/blockprobe/internal/loopback"
)

// sweepDoc is the part of a sweep's JSON these tests read.
type sweepDoc struct {
	Parameter   string   `json:"parameter"`
	Search      string   `json:"search"`
	Capacity    *float64 `json:"capacity"`
	FirstBroken *float64 `json:"first_broken"`
	Summary     string   `json:"summary"`
	Stopped     string   `json:"stopped"`
	Points      []struct {
		Value    float64 `json:"value"`
		Met      bool    `json:"met"`
		Runs     int     `json:"runs"`
		Measured int     `json:"measured"`
		Report   *report `json:"report"`
	} `json:"points"`
}

func decodeSweep(t *testing.T, s string) sweepDoc { t.Helper(); return decodeAs[sweepDoc](t, s) }

// A sweep over the blocking delay: MainHandler's p99 is about the delay,
// so an SLO between two delays puts the capacity at the lower one.
func TestSweepVaryComplexDelay(t *testing.T) {
	args := []string{"sweep", "--mode", "blocking", "--duration", "600ms", "--rate", "50",
		"--vary", "complex-delay=10ms,300ms,600ms", "--slo", "main.loaded.p99<150ms"}
	res := blockprobe(t, append(args, "--format", "json", "--expect", "capacity==10ms")...)
	if res.code != 0 {
		t.Fatalf("exit %d; stderr %s", res.code, res.stderr)
	}
	d := decodeSweep(t, res.stdout)
	if d.Capacity == nil || *d.Capacity != 10 || d.FirstBroken == nil || *d.FirstBroken != 300 || len(d.Points) != 3 {
		t.Fatalf("capacity %v, first broken %v, %d points: %s", d.Capacity, d.FirstBroken, len(d.Points), d.Summary)
	}
	for _, p := range d.Points {
		r := p.Report
		if r == nil || r.Endpoints.Main.Loaded.Count == 0 || r.Verdict.Starved != (p.Value > 50) {
			t.Errorf("point %vms: its full report is missing or wrong: %+v", p.Value, r)
		}
	}
	// The capacity is the exit code.
	unmet := blockprobe(t, append(args, "--expect", "capacity>=300ms")...)
	if unmet.code != bp.ExitExpectation || !strings.Contains(unmet.stderr, "expected capacity>=300ms, measured 10ms") {
		t.Errorf("exit %d, stderr %q; want 1 and what was measured", unmet.code, unmet.stderr)
	}
	for _, want := range []string{"COMPLEX-DELAY", "p99 latency (log scale) by complex-delay", "╌ SLO main.loaded.p99<150ms",
		"Capacity: 10ms, the largest complex-delay that met the SLO (main.loaded.p99<150ms); 300ms broke it"} {
		if !strings.Contains(unmet.stdout, want) {
			t.Errorf("the text sweep lacks %q:\n%s", want, unmet.stdout)
		}
	}
}

// find-max over the workers of a pool: with a pool of two, a third request
// waits for a worker, and ComplexHandler's p99 doubles.
func TestSweepFindMaxWorkers(t *testing.T) {
	res := blockprobe(t, "sweep", "--mode", "pooled", "--pool", "2", "--complex-delay", "150ms", "--rate", "50",
		"--find-max", "concurrency", "--between", "1,16", "--slo", "complex.loaded.p99<250ms",
		"--expect", "capacity==2", "--format", "json")
	if res.code != 0 {
		t.Fatalf("exit %d; stderr %s\n%s", res.code, res.stderr, res.stdout)
	}
	d := decodeSweep(t, res.stdout)
	var order []float64
	for _, p := range d.Points {
		order = append(order, p.Value)
	}
	if d.Search != "find-max" || d.FirstBroken == nil || *d.FirstBroken != 3 || len(d.Points) != 4 {
		t.Errorf("search %s, points %v, first broken %v; want 1, 2, 3, 4 with 3 the first broken", d.Search, order, d.FirstBroken)
	}
	// Doubling, then bisecting: measured 1, 2, 4, then 3.
	for _, p := range d.Points {
		if want := map[float64]int{1: 1, 2: 2, 4: 3, 3: 4}[p.Value]; p.Measured != want {
			t.Errorf("%v workers measured %d-th, want %d-th", p.Value, p.Measured, want)
		}
	}
}

func TestSweepFormats(t *testing.T) {
	args := []string{"sweep", "--mode", "async", "--complex-delay", "100ms", "--vary", "rate=10,40"}
	cases := []formatWants{
		{"markdown", []string{"### blockprobe sweep", "**Capacity: at least 40/s", "| rate | main p50 |"}},
		{"csv", []string{"parameter,value,unit,measured,met", "\nrate,40,per_s,2,true,"}},
		{"html", []string{"<svg", `href="#point-2"`, `id="point-1"`, "Capacity: at least 40/s", "blockprobe run: embedded target, mode async"}},
	}
	checkFormats(t, args, cases)
}

// Against an external target, the sweep says what it waits for between
// points, and stops, with the points so far, when the target fails.
func TestSweepExternalTarget(t *testing.T) {
	t.Run("drains between points", func(t *testing.T) {
		url := serveInBackground(t, "blocking", "200ms")
		res := blockprobe(t, "sweep", "--target", url, "--duration", "400ms", "--vary", "rate=10,20", "--format", "json")
		if res.code != 0 {
			t.Fatalf("exit %d; stderr %s", res.code, res.stderr)
		}
		if !strings.Contains(res.stderr, "between points, waiting until GET "+url+"/ answers within") {
			t.Errorf("stderr does not say what the sweep waits for: %q", res.stderr)
		}
		if d := decodeSweep(t, res.stdout); len(d.Points) != 2 || d.Points[1].Report.Target != url {
			t.Errorf("points %+v", d.Points)
		}
	})
	t.Run("stops when the target fails", func(t *testing.T) {
		srv, out, errOut := start(t, "serve", "--mode", "async", "--addr", "127.0.0.1:0", "--complex-delay", "100ms")
		url := servedURL(t, out, errOut)
		time.AfterFunc(1500*time.Millisecond, func() { _ = srv.Process.Kill() })
		res := blockprobe(t, "sweep", "--target", url, "--duration", "1s", "--vary", "rate=10,20,40,80", "--format", "json")
		if res.code != bp.ExitTarget || !strings.Contains(res.stderr, "sweep stopped") {
			t.Fatalf("exit %d, stderr %q; want 3 and why the sweep stopped", res.code, res.stderr)
		}
		d := decodeSweep(t, res.stdout)
		if len(d.Points) == 0 || len(d.Points) > 2 || d.Stopped == "" {
			t.Errorf("%d points, stopped %q: want the points before the target died", len(d.Points), d.Stopped)
		}
	})
	t.Run("an unreachable target", func(t *testing.T) {
		res := blockprobe(t, "sweep", "--target", loopback.ClosedURL(t), "--vary", "rate=10,20")
		if res.code != bp.ExitTarget || !strings.Contains(res.stdout, "Capacity: none: no point was measured") {
			t.Errorf("exit %d, stdout %q, stderr %q", res.code, res.stdout, res.stderr)
		}
	})
}

// formatWants is what a report in one format must contain.
type formatWants struct {
	format string
	want   []string
}

// checkFormats runs the binary with args in each case's --format, in
// parallel subtests, and checks that its report contains what the case wants.
func checkFormats(t *testing.T, args []string, cases []formatWants) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.format, func(t *testing.T) {
			t.Parallel()
			res := blockprobe(t, append(args, "--format", tc.format)...)
			if res.code != 0 {
				t.Fatalf("exit %d; stderr %s", res.code, res.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(res.stdout, w) {
					t.Errorf("--format %s lacks %q:\n%s", tc.format, w, res.stdout)
				}
			}
		})
	}
}
