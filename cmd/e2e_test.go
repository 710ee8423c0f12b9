package cmd_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	bp "github.com/blockprobe/blockprobe/cmd"
	"github.com/blockprobe/blockprobe/internal/child"
	"github.com/blockprobe/blockprobe/internal/loopback"
	"github.com/blockprobe/blockprobe/internal/reportschema"
)

// bin is the blockprobe binary built once for these tests: the CLI is tested
// as a user runs it, as a child process. (Importing package cmd for its exit
// codes also makes go test's cache notice changes anywhere in the program.)
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "blockprobe-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "blockprobe")
	build := exec.Command("go", "build", "-o", bin, "..")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building blockprobe:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	code           int
	stdout, stderr string
}

// testThreshold replaces the 50ms default starvation threshold in these
// tests: they run in parallel with other packages' CPU-bound tests on a
// 2-core machine, where an async probe can take 70ms. Blocking runs here
// last 200ms or more, so they stay far above it.
const testThreshold = "150ms"

// withTestThreshold adds --starve-threshold testThreshold to a run or
// compare that does not set one.
func withTestThreshold(args []string) []string {
	if len(args) == 0 || (args[0] != "run" && args[0] != "compare") || slices.Contains(args, "--starve-threshold") {
		return args
	}
	return append(append([]string{}, args...), "--starve-threshold", testThreshold)
}

// blockprobe runs the binary with args, without a terminal, as CI does.
func blockprobe(t *testing.T, args ...string) result {
	t.Helper()
	return runIn(t, "", withTestThreshold(args))
}

// runIn runs the binary with args exactly, in dir (the test's own when
// empty), without a terminal.
func runIn(t *testing.T, dir string, args []string) result {
	t.Helper()
	return runProgram(t, dir, bin, args)
}

// runProgram runs prog (the binary, or a shell that runs it) with args in
// dir, without a terminal, as CI does, with env added to the environment.
func runProgram(t *testing.T, dir, prog string, args []string, env ...string) result {
	t.Helper()
	cmd := exec.Command(prog, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "CI=true"), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	code, err := child.ExitCode(cmd.Run())
	if err != nil {
		t.Fatalf("running blockprobe %v: %v", args, err)
	}
	if prog == bin {
		checkSchema(t, dir, args, out.Bytes())
	}
	return result{code, out.String(), errOut.String()}
}

// checkSchema checks the JSON report a run, compare or report command
// wrote (to stdout or to its --output) against report.schema.json: every
// JSON report these tests produce keeps the published contract.
func checkSchema(t *testing.T, dir string, args []string, stdout []byte) {
	t.Helper()
	if len(args) == 0 || !slices.Contains([]string{"run", "compare", "report"}, args[0]) {
		return
	}
	format, _, _ := flagValue(args, "--format")
	output, _, _ := flagValue(args, "-o", "--output")
	if format != "json" && (format != "" || !strings.HasSuffix(output, ".json")) {
		return
	}
	doc := stdout
	if output != "" {
		if !filepath.IsAbs(output) {
			output = filepath.Join(dir, output)
		}
		var err error
		if doc, err = os.ReadFile(output); err != nil {
			return // not written: the command failed, as its test checks
		}
	}
	if len(bytes.TrimSpace(doc)) == 0 {
		return
	}
	if err := reportschema.Validate(doc); err != nil {
		t.Errorf("blockprobe %s wrote a JSON report that report.schema.json refuses: %v", strings.Join(args, " "), err)
	}
}

// report is the part of the JSON report these tests read.
type report struct {
	Mode      string `json:"mode"`
	Target    string `json:"target"`
	Partial   bool   `json:"partial"`
	Endpoints struct {
		Main struct {
			Baseline, Loaded stats
		} `json:"main"`
		Complex struct {
			Loaded stats
		} `json:"complex"`
	} `json:"endpoints"`
	Verdict struct {
		Starved    bool   `json:"starved"`
		Conclusive bool   `json:"conclusive"`
		Summary    string `json:"summary"`
	} `json:"verdict"`
	Loop *struct {
		SlowestCallbackMs float64 `json:"slowest_callback_ms"`
		SlowestHandler    string  `json:"slowest_handler"`
	} `json:"loop"`
	Requests []struct {
		Endpoint    string  `json:"endpoint"`
		Phase       string  `json:"phase"`
		ScheduledMs float64 `json:"scheduled_ms"`
		LatencyMs   float64 `json:"latency_ms"`
		Status      int     `json:"status"`
	} `json:"requests"`
}

type stats struct {
	Count int     `json:"count"`
	OK    int     `json:"ok"`
	P99   float64 `json:"p99_ms"`
	Max   float64 `json:"max_ms"`
}

// decode is the JSON report s.
func decode(t *testing.T, s string) report { t.Helper(); return decodeAs[report](t, s) }

// readFile is the file at path, which the test cannot go on without.
func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRunEachModeAsJSON(t *testing.T) {
	const delayMs = 300
	for _, mode := range []string{"blocking", "async", "pooled"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			res := blockprobe(t, "run", "--mode", mode, "--complex-delay", fmt.Sprintf("%dms", delayMs), "--format", "json")
			if res.code != 0 {
				t.Fatalf("exit %d: %s", res.code, res.stderr)
			}
			r := decode(t, res.stdout)
			main := r.Endpoints.Main.Loaded
			if r.Mode != mode || r.Target != "embedded" || r.Loop == nil {
				t.Errorf("mode %q target %q loop %v", r.Mode, r.Target, r.Loop)
			}
			total := r.Endpoints.Main.Baseline.Count + main.Count + r.Endpoints.Complex.Loaded.Count
			if main.Count < 5 || len(r.Requests) != total {
				t.Errorf("%d probes, %d request records for %d requests", main.Count, len(r.Requests), total)
			}
			if mode == "blocking" {
				if !r.Verdict.Starved || main.Max < 0.6*delayMs || main.Max > 1.5*delayMs {
					t.Errorf("blocking: starved %v, main max %.1fms, want starved with max about %dms", r.Verdict.Starved, main.Max, delayMs)
				}
				if r.Loop.SlowestHandler != "ComplexHandler" || r.Loop.SlowestCallbackMs < 0.9*delayMs {
					t.Errorf("loop names %q (%.1fms) as slowest, want ComplexHandler", r.Loop.SlowestHandler, r.Loop.SlowestCallbackMs)
				}
				checkRamp(t, r)
			} else if r.Verdict.Starved || main.P99 > delayMs/3 {
				t.Errorf("%s: starved %v, main p99 %.1fms, want not starved and far below %dms", mode, r.Verdict.Starved, main.P99, delayMs)
			}
		})
	}
}

// checkRamp: probes scheduled later into the block waited less.
func checkRamp(t *testing.T, r report) {
	var lat []struct{ at, lat float64 }
	for _, q := range r.Requests {
		if q.Endpoint == "main" && q.Phase == "loaded" {
			lat = append(lat, struct{ at, lat float64 }{q.ScheduledMs, q.LatencyMs})
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i].at < lat[j].at })
	if first, last := lat[0].lat, lat[len(lat)-1].lat; last > first/2 {
		t.Errorf("first probe waited %.1fms, last %.1fms: not a falling ramp", first, last)
	}
}

func TestRunTextReport(t *testing.T) {
	res := blockprobe(t, "run", "--mode", "blocking", "--complex-delay", "300ms")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	for _, want := range []string{"MainHandler STARVED: p99", "ComplexHandler", "baseline", "Loop: slowest callback"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("text report lacks %q:\n%s", want, res.stdout)
		}
	}
	if res.stderr != "" {
		t.Errorf("stderr without a terminal should be empty (no progress bars), got:\n%s", res.stderr)
	}
}

func TestRunOutputFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.json")
	res := blockprobe(t, "run", "--mode", "async", "--complex-delay", "200ms", "--format", "json", "--output", path)
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	if res.stdout != "" {
		t.Errorf("stdout should be empty with --output, got %q", res.stdout)
	}
	b := readFile(t, path)
	if r := decode(t, string(b)); r.Verdict.Starved {
		t.Errorf("async run in %s judged starved", path)
	}
	if !strings.Contains(res.stderr, "not starved") || !strings.Contains(res.stderr, path) {
		t.Errorf("stderr should give the verdict and the path, got %q", res.stderr)
	}
}

func TestRunExpectations(t *testing.T) {
	cases := []struct {
		name, mode, expect string
		code               int
	}{
		{"blocking starved as expected", "blocking", "starved", bp.ExitOK},
		{"blocking expected not starved", "blocking", "not-starved", bp.ExitExpectation},
		{"async not starved as expected", "async", "not-starved", bp.ExitOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := blockprobe(t, "run", "--mode", tc.mode, "--complex-delay", "200ms", "--expect", tc.expect, "--format", "json")
			if res.code != tc.code {
				t.Errorf("exit %d, want %d; stderr: %s", res.code, tc.code, res.stderr)
			}
			if tc.code == 1 && !strings.Contains(res.stderr, "expected not-starved") {
				t.Errorf("unmet expectation not explained: %q", res.stderr)
			}
			decode(t, res.stdout) // the report is printed either way
		})
	}
}

// badInput is a command line that must be refused before anything is
// measured, and what its one line must say.
type badInput struct {
	name string
	args []string
	says string
}

// refusedCases reads testdata/refused.txt: a case a line, "NAME | COMMAND
// LINE | WHAT THE LINE SAYS", the command line quoted as in a shell.
func refusedCases(t *testing.T) []badInput {
	t.Helper()
	var cases []badInput
	for i, line := range strings.Split(string(readFile(t, filepath.Join("testdata", "refused.txt"))), "\n") {
		if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, " | ")
		if len(parts) != 3 {
			t.Fatalf("refused.txt:%d: want NAME | COMMAND LINE | WHAT IT SAYS, got %q", i+1, line)
		}
		args, err := splitArgs(parts[1])
		if err != nil || len(args) == 0 {
			t.Fatalf("refused.txt:%d: command line %q: %v", i+1, parts[1], err)
		}
		cases = append(cases, badInput{parts[0], args, parts[2]})
	}
	return cases
}

func TestBadInputIsOneLineAndExit2(t *testing.T) {
	cases := refusedCases(t)
	if len(cases) < 50 {
		t.Fatalf("refused.txt holds %d cases: it was not read whole", len(cases))
	}
	checkRefused(t, append(cases, badInput{"too many stages",
		[]string{"run", "--stages", strings.Repeat("10ms:1,", 100) + "10ms:1"}, "--stages"}))
}

// checkRefused runs each command line and wants it refused at once: exit 2
// and one line on stderr that says what it should, never a stack trace.
func checkRefused(t *testing.T, cases []badInput) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			res := blockprobe(t, tc.args...)
			if res.code != bp.ExitUsage {
				t.Errorf("exit %d, want %d; stderr %q", res.code, bp.ExitUsage, res.stderr)
			}
			lines := strings.Split(strings.TrimSpace(res.stderr), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "blockprobe: ") || !strings.Contains(lines[0], tc.says) {
				t.Errorf("stderr should be one line starting 'blockprobe: ' and saying %q, got %q", tc.says, res.stderr)
			}
			if strings.Contains(res.stderr, "goroutine") || strings.Contains(res.stderr, "panic") {
				t.Errorf("stack trace on bad input: %s", res.stderr)
			}
			if time.Since(start) > 3*time.Second {
				t.Errorf("bad input took %v to be refused: it should fail before measuring", time.Since(start))
			}
		})
	}
}

func TestRunUnreachableTargetExits3(t *testing.T) {
	res := blockprobe(t, "run", "--target", loopback.ClosedURL(t), "--format", "json")
	if res.code != bp.ExitTarget || !strings.Contains(res.stderr, "unreachable") || strings.Count(strings.TrimSpace(res.stderr), "\n") != 0 {
		t.Errorf("exit %d, stderr %q: want exit 3 and one line", res.code, res.stderr)
	}
	// The report is still written, for a CI job's artefact, and says so.
	if r := decode(t, res.stdout); r.Verdict.Conclusive || !strings.Contains(r.Verdict.Summary, "unreachable") {
		t.Errorf("report of an unreachable target: %+v", r.Verdict)
	}
}

// start runs the binary in the background and returns it with a reader of
// its stdout.
func start(t *testing.T, args ...string) (*exec.Cmd, *bufio.Reader, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(bin, withTestThreshold(args)...)
	cmd.Env = append(os.Environ(), "CI=true")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return cmd, bufio.NewReader(out), &errOut
}

func exitCode(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		code, err := child.ExitCode(err)
		if err != nil {
			t.Fatal(err)
		}
		return code
	case <-time.After(10 * time.Second):
		t.Fatal("blockprobe did not exit within 10s")
		return -1
	}
}

func TestRunInterruptedPrintsPartialReportAndExits130(t *testing.T) {
	cmd, out, errOut := start(t, "run", "--mode", "blocking", "--complex-delay", "5s")
	time.Sleep(800 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	stdout, _ := io.ReadAll(out)
	code := exitCode(t, cmd)
	if code != bp.ExitInterrupted {
		t.Errorf("exit %d, want 130; stderr %s", code, errOut)
	}
	for _, want := range []string{"PARTIAL", "MainHandler", "baseline"} {
		if !strings.Contains(string(stdout), want) {
			t.Errorf("partial report lacks %q:\n%s", want, stdout)
		}
	}
}

func TestServeAnswersAndStopsOnSIGINT(t *testing.T) {
	cmd, out, errOut := start(t, "serve", "--mode", "async", "--addr", "127.0.0.1:0", "--complex-delay", "50ms")
	url := servedURL(t, out, errOut)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	for path, want := range map[string]string{"/": "[MainHandler] Hello, world", "/complex": "[ComplexHandler]", "/debug/loop": "slowest_callback_ms"} {
		resp, err := (&http.Client{Transport: tr, Timeout: 5 * time.Second}).Get(url + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("GET %s: %d %q, want 200 with %q", path, resp.StatusCode, body, want)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, out)
	if code := exitCode(t, cmd); code != 0 {
		t.Errorf("serve exited %d after SIGINT, want 0; stderr %s", code, errOut)
	}
}

// On SIGTERM serve stops accepting and answers what it accepted. Here the
// loop stays blocked past --drain, so the request blocking it, one queued
// behind it and one whose headers end after the signal all get a 503 with
// Connection: close; stderr counts them, and serve exits 0 by about --drain.
func TestServeSIGTERMAnswers503AtTheDrainDeadline(t *testing.T) {
	const drain = 300 * time.Millisecond
	cmd, out, errOut := start(t, "serve", "--mode", "blocking", "--addr", "127.0.0.1:0", "--complex-delay", "10s", "--drain", drain.String())
	url := servedURL(t, out, errOut)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	answers := make(chan *http.Response, 3)
	get := func(path string) {
		go func() {
			resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Get(url + path)
			if err != nil {
				t.Errorf("GET %s: %v", path, err)
				answers <- nil
				return
			}
			resp.Body.Close()
			answers <- resp
		}()
	}
	get("/complex")
	time.Sleep(100 * time.Millisecond) // let it block the loop
	get("/")
	late, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer late.Close()
	_ = late.SetDeadline(time.Now().Add(10 * time.Second))
	_, _ = io.WriteString(late, "GET / HTTP/1.1\r\n")
	time.Sleep(100 * time.Millisecond) // let serve accept it

	signaled := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(2 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		conn, err := net.DialTimeout("tcp", strings.TrimPrefix(url, "http://"), 100*time.Millisecond)
		if err != nil {
			break // no longer accepting: shutdown has begun
		}
		conn.Close()
		if time.Now().After(end) {
			t.Fatal("serve still accepts connections 2s after SIGTERM")
		}
	}
	if _, err := io.WriteString(late, "Host: x\r\n\r\n"); err != nil {
		t.Fatalf("finishing the request on the accepted connection: %v", err)
	}
	go func() {
		resp, err := http.ReadResponse(bufio.NewReader(late), nil)
		if err != nil {
			t.Errorf("request finished after SIGTERM: %v", err)
			answers <- nil
			return
		}
		resp.Body.Close()
		answers <- resp
	}()
	_, _ = io.Copy(io.Discard, out)
	code := exitCode(t, cmd)
	if took := time.Since(signaled); code != 0 || took > drain+3*time.Second {
		t.Errorf("serve exited %d, %v after SIGTERM; want 0 by about --drain %v", code, took, drain)
	}
	for i := range 3 {
		if resp := <-answers; resp != nil && (resp.StatusCode != http.StatusServiceUnavailable || !resp.Close) {
			t.Errorf("answer %d of 3: %d (Connection: close %v), want 503 and Connection: close", i+1, resp.StatusCode, resp.Close)
		}
	}
	want := "blockprobe serve: requests in flight when --drain 300ms ran out: 3 answered 503, 0 cut off\n"
	if !strings.Contains(errOut.String(), want) {
		t.Errorf("stderr %q lacks %q", errOut, want)
	}
}

func TestServePortInUseExits3(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	res := blockprobe(t, "serve", "--addr", ln.Addr().String())
	if res.code != bp.ExitTarget || !strings.Contains(res.stderr, "in use") {
		t.Errorf("exit %d, stderr %q: want 3 and 'in use'", res.code, res.stderr)
	}
}

func TestVersion(t *testing.T) {
	res := blockprobe(t, "version")
	if res.code != 0 || !strings.HasPrefix(res.stdout, "blockprobe ") {
		t.Errorf("version: exit %d, %q", res.code, res.stdout)
	}
}
