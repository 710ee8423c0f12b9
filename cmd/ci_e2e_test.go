package cmd_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	bp "github.com/blockprobe/blockprobe/cmd"
	"github.com/blockprobe/blockprobe/internal/child"
	"github.com/blockprobe/blockprobe/internal/loopback"
)

// The CI recipe's script works as written: against a healthy service it
// passes and leaves the JSON report and the Markdown summary; against a
// service whose loop blocks it fails with exit 1.
func TestCIRecipeScript(t *testing.T) {
	script, err := filepath.Abs("../examples/ci/blockprobe-check.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		mode string
		code int
	}{{"async", bp.ExitOK}, {"blocking", bp.ExitExpectation}} {
		t.Run(tc.mode, func(t *testing.T) {
			t.Parallel()
			url := serveInBackground(t, tc.mode, "300ms")
			dir := t.TempDir()
			summary := filepath.Join(dir, "summary.md")
			runCIScript(t, script, dir, tc.code, "app="+url, "app=not-starved", "--duration", "600ms", "--concurrency", "2", "--starve-threshold", testThreshold)
			md, err := os.ReadFile(summary)
			if err != nil || !markdownWellFormed(string(md)) {
				t.Errorf("step summary missing or malformed (%v):\n%s", err, md)
			}
			if _, err := os.Stat(filepath.Join(dir, "blockprobe.json")); err != nil {
				t.Errorf("no JSON report for the artifact: %v", err)
			}
		})
	}
}

// serveInBackground starts `blockprobe serve` on a free port for the test
// and returns its URL.
func serveInBackground(t *testing.T, mode, delay string, flags ...string) string {
	t.Helper()
	_, out, errOut := start(t, append([]string{"serve", "--mode", mode, "--addr", "127.0.0.1:0", "--complex-delay", delay}, flags...)...)
	return servedURL(t, out, errOut)
}

// servedURL reads the banner of a `blockprobe serve` started with start and
// returns the URL it serves on.
func servedURL(t *testing.T, out *bufio.Reader, errOut *bytes.Buffer) string {
	t.Helper()
	line, err := out.ReadString('\n')
	if err != nil {
		t.Fatalf("serve's banner: %v (stderr %s)", err, errOut)
	}
	url := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(line)
	if url == "" {
		t.Fatalf("no URL in serve's banner %q", line)
	}
	return url
}

// The CI recipe's script survives misuse: no target is a usage error (2), a
// flag where the expectation may stand is a flag, and a dead service still
// leaves the JSON report and the summary for the job's artefacts.
func TestCIRecipeScriptMisuse(t *testing.T) {
	script, err := filepath.Abs("../examples/ci/blockprobe-check.sh")
	if err != nil {
		t.Fatal(err)
	}
	dead := loopback.ClosedURL(t)
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"no target", nil, bp.ExitUsage},
		{"flags right after the target", []string{"app=" + dead, "--duration", "300ms"}, bp.ExitTarget},
		{"a dead service", []string{"app=" + dead, "app=not-starved"}, bp.ExitTarget},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			summary := filepath.Join(dir, "summary.md")
			runCIScript(t, script, dir, tc.code, tc.args...)
			if tc.code != bp.ExitTarget {
				return
			}
			if _, err := os.Stat(filepath.Join(dir, "blockprobe.json")); err != nil {
				t.Errorf("no JSON report of the dead service: %v", err)
			}
			if md, err := os.ReadFile(summary); err != nil || !regexp.MustCompile(`(?m)^\*\*FAILED: not measured: `).Match(md) {
				t.Errorf("the summary does not say the run failed (%v):\n%s", err, md)
			}
		})
	}
}

// runCIScript runs the CI recipe's script in dir with args, as a GitHub job
// would (its step summary is dir/summary.md), and checks its exit code.
func runCIScript(t *testing.T, script, dir string, want int, args ...string) {
	t.Helper()
	cmd := exec.Command("bash", append([]string{script}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "BLOCKPROBE="+bin, "GITHUB_STEP_SUMMARY="+filepath.Join(dir, "summary.md"), "CI=true")
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	code, err := child.ExitCode(cmd.Run())
	if err != nil {
		t.Fatal(err)
	}
	if code != want {
		t.Errorf("exit %d, want %d; stderr %s", code, want, errOut.String())
	}
}
