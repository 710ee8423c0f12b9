package cmd_test

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	bp "github.com/blockprobe/blockprobe/cmd"
)

// Real processes and sockets: every fault ends in a report (or one line)
// and its documented exit code.

func TestTargetKilledMidRunGivesReportAndExit3(t *testing.T) {
	serve, out, errOut := start(t, "serve", "--mode", "async", "--addr", "127.0.0.1:0", "--complex-delay", "100ms")
	url := servedURL(t, out, errOut)
	run, runOut, runErr := start(t, "run", "--target", url, "--duration", "1500ms", "--concurrency", "2", "--format", "json")
	time.Sleep(700 * time.Millisecond)
	_ = serve.Process.Kill()
	stdout, _ := io.ReadAll(runOut)
	if code := exitCode(t, run); code != bp.ExitTarget {
		t.Errorf("exit %d, want %d; stderr %s", code, bp.ExitTarget, runErr)
	}
	r := decode(t, string(stdout))
	errs := r.Endpoints.Main.Loaded.Count - r.Endpoints.Main.Loaded.OK
	if errs == 0 || !strings.Contains(runErr.String(), "connection level") {
		t.Errorf("%d probe errors counted; stderr %q: want the refused requests counted and named", errs, runErr)
	}
	// Load workers back off from a dead target instead of hammering it.
	if n := r.Endpoints.Complex.Loaded.Count; n > 200 {
		t.Errorf("%d ComplexHandler requests in 1.5s against a dead target: no backoff", n)
	}
}

func TestServerThatNeverAnswersExits3(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // hold the connection, answer nothing
		}
	}()
	start := time.Now()
	res := blockprobe(t, "run", "--target", "http://"+ln.Addr().String(), "--timeout", "300ms", "--duration", "1s")
	if res.code != bp.ExitTarget || !strings.Contains(res.stderr, "timeout") || strings.Count(res.stderr, "\n") != 1 {
		t.Errorf("exit %d, stderr %q: want exit 3 and one line naming the timeout", res.code, res.stderr)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %v to give up", took)
	}
}

// A server whose ComplexHandler resets the connection: the run goes on,
// counts the resets apart, prints the report and exits 3.
func TestResetConnectionsAreCountedApart(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/complex" {
			_, _ = io.WriteString(w, "hello")
			return
		}
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		_ = conn.(*net.TCPConn).SetLinger(0) // close with RST
		conn.Close()
	}))
	defer srv.Close()
	res := blockprobe(t, "run", "--target", srv.URL, "--duration", "300ms", "--format", "json")
	if res.code != bp.ExitTarget {
		t.Errorf("exit %d, want %d; stderr %s", res.code, bp.ExitTarget, res.stderr)
	}
	var r struct {
		Endpoints struct {
			Complex struct {
				Loaded struct {
					Count         int            `json:"count"`
					ErrorsByClass map[string]int `json:"errors_by_class"`
				} `json:"loaded"`
			} `json:"complex"`
		} `json:"endpoints"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &r); err != nil {
		t.Fatalf("no JSON report: %v", err)
	}
	c := r.Endpoints.Complex.Loaded
	if c.Count == 0 || c.ErrorsByClass["reset"]+c.ErrorsByClass["other"] != c.Count || c.ErrorsByClass["reset"] == 0 {
		t.Errorf("complex %d requests, errors %v: want them counted as resets", c.Count, c.ErrorsByClass)
	}
}

func TestInterruptWritesPartialOutputFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "int.json")
	cmd, out, errOut := start(t, "run", "--mode", "blocking", "--complex-delay", "5s", "--format", "json", "--output", path)
	time.Sleep(time.Second)
	_ = cmd.Process.Signal(syscall.SIGTERM)
	_, _ = io.ReadAll(out)
	if code := exitCode(t, cmd); code != bp.ExitInterrupted {
		t.Errorf("exit %d, want %d; stderr %s", code, bp.ExitInterrupted, errOut)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no output file after the interrupt: %v", err)
	}
	r := decode(t, string(b))
	if !r.Partial || len(r.Requests) < 20 || !r.Verdict.Starved {
		t.Errorf("partial %v, %d requests, starved %v: want a partial report with the baseline and the stalled probes",
			r.Partial, len(r.Requests), r.Verdict.Starved)
	}
}

// Killed outright, the run leaves its results stream, and report rebuilds
// what it recorded.
func TestResultsStreamSurvivesAKilledRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.ndjson")
	cmd, out, _ := start(t, "run", "--mode", "async", "--complex-delay", "5s", "--results", path)
	time.Sleep(time.Second)
	_ = cmd.Process.Kill()
	_, _ = io.ReadAll(out)
	_ = cmd.Wait()
	res := blockprobe(t, "report", path)
	if res.code != 0 {
		t.Fatalf("report of a killed run's stream: exit %d, %s", res.code, res.stderr)
	}
	for _, want := range []string{"PARTIAL", "no trailer", "MainHandler     baseline      20"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("rebuilt report lacks %q:\n%s", want, res.stdout)
		}
	}
}

func TestHeadersMethodAndBodyReachTheTarget(t *testing.T) {
	type seen struct{ method, header, body string }
	got := make(chan seen, 100)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/work" {
			b, _ := io.ReadAll(r.Body)
			select {
			case got <- seen{r.Method, r.Header.Get("X-Token"), string(b)}:
			default:
			}
		}
	}))
	defer srv.Close()
	res := blockprobe(t, "run", "--target", srv.URL, "--complex-path", "/work", "--duration", "200ms",
		"--method", "POST", "--body", `{"n":5}`, "--header", "X-Token: s3cret")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	if s := <-got; s != (seen{"POST", "s3cret", `{"n":5}`}) {
		t.Errorf("ComplexHandler got %+v", s)
	}
	if !strings.Contains(res.stdout, "no loop agent answered") {
		t.Errorf("external report does not say no loop agent answered:\n%s", res.stdout)
	}
}

// A ComplexHandler path that does not exist applies no load: the run must
// not pass as "not starved".
func TestWrongComplexPathIsAFailedRun(t *testing.T) {
	url := serveInBackground(t, "blocking", "300ms")
	res := blockprobe(t, "run", "--target", url, "--complex-path", "/typo", "--duration", "300ms", "--expect", "not-starved")
	if res.code != bp.ExitTarget || !strings.Contains(res.stderr, "no load was applied") || !strings.Contains(res.stderr, "status_404") {
		t.Errorf("exit %d, stderr %q: want exit 3 saying no load was applied (status_404)", res.code, res.stderr)
	}
}

// A saved comparison of one run stays a comparison when rendered again.
func TestReportKeepsTheShapeOfAComparison(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c1.json")
	if res := blockprobe(t, "compare", "--modes", "async", "--complex-delay", "100ms", "--format", "json", "-o", path); res.code != 0 {
		t.Fatalf("compare: exit %d: %s", res.code, res.stderr)
	}
	res := blockprobe(t, "report", path, "--format", "json")
	var doc struct {
		Runs []json.RawMessage `json:"runs"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &doc); err != nil || len(doc.Runs) != 1 {
		t.Errorf("report of a one-run comparison: %v, %d runs; want {\"runs\": [one]}", err, len(doc.Runs))
	}
	other := filepath.Join(t.TempDir(), "b.json")
	if r := blockprobe(t, "run", "--mode", "blocking", "--complex-delay", "100ms", "--format", "json", "-o", other); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := blockprobe(t, "diff", path, other); r.code != bp.ExitUsage || !strings.Contains(r.stderr, "no run in common") {
		t.Errorf("diff of reports with no run in common: exit %d, %q; want 2", r.code, r.stderr)
	}
}

// The first Ctrl-C waits a moment for requests in flight; a second one ends
// the process at once.
func TestSecondInterruptExitsAtOnce(t *testing.T) {
	cmd, out, _ := start(t, "run", "--mode", "blocking", "--complex-delay", "10s")
	time.Sleep(700 * time.Millisecond)
	_ = cmd.Process.Signal(syscall.SIGINT)
	time.Sleep(100 * time.Millisecond) // the run is now waiting out its grace
	second := time.Now()
	_ = cmd.Process.Signal(syscall.SIGINT)
	go func() { _, _ = io.ReadAll(out) }()
	code := exitCode(t, cmd)
	if took := time.Since(second); took > 500*time.Millisecond {
		t.Errorf("exited %v after the second interrupt, want at once", took)
	}
	if code == 0 {
		t.Errorf("exit 0 after two interrupts")
	}
}
