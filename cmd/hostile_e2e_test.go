package cmd_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	bp "github.com/blockprobe/blockprobe/cmd"
	"github.com/blockprobe/blockprobe/internal/child"
	"github.com/blockprobe/blockprobe/internal/loopback"
)

// Hostile targets and careless inputs, as a user meets them: the run ends,
// blames the right side and publishes no secret.

// No output of a run carries the credentials of its URL or the values of
// its headers: reports in every format, the results stream, stderr.
func TestSecretsStayOutOfEveryOutput(t *testing.T) {
	const password, token = "s3cr3tpw", "T0PSECRETT0KEN"
	url := serveInBackground(t, "async", "100ms")
	withCreds := strings.Replace(url, "http://", "http://user:"+password+"@", 1)
	dir := t.TempDir()
	res := blockprobe(t, "run", "--target", withCreds, "--header", "Authorization: Bearer "+token,
		"--duration", "300ms", "--format", "json", "-o", filepath.Join(dir, "r.json"),
		"--results", filepath.Join(dir, "r.ndjson"))
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	outputs := map[string]string{"run's stdout": res.stdout, "run's stderr": res.stderr}
	for _, name := range []string{"r.json", "r.ndjson"} {
		b := readFile(t, filepath.Join(dir, name))
		outputs[name] = string(b)
	}
	for _, format := range []string{"text", "markdown", "html", "csv", "gobench"} {
		r := blockprobe(t, "report", filepath.Join(dir, "r.json"), "--format", format)
		outputs["report --format "+format] = r.stdout + r.stderr
	}
	// An error that quotes the URL does not quote its password either.
	bad := blockprobe(t, "run", "--target", "http://user:"+password+"@127.0.0.1:99999")
	outputs["a refused --target"] = bad.stderr
	for name, out := range outputs {
		if strings.Contains(out, password) || strings.Contains(out, token) {
			t.Errorf("%s carries a secret:\n%s", name, out)
		}
	}
	if !strings.Contains(outputs["r.json"], "Authorization: REDACTED") {
		t.Errorf("the recorded command should keep the header's name:\n%s", outputs["r.json"])
	}
}

// A run that applied no load has no verdict, in blocking mode too.
func TestRunWithoutLoadHasNoVerdict(t *testing.T) {
	res := blockprobe(t, "run", "--mode", "blocking", "--complex-delay", "300ms", "--duration", "1ns", "--format", "json")
	if res.code != bp.ExitTarget {
		t.Fatalf("exit %d, want %d: stderr %s", res.code, bp.ExitTarget, res.stderr)
	}
	r := decode(t, res.stdout)
	if r.Verdict.Conclusive || r.Verdict.Starved || !strings.Contains(r.Verdict.Summary, "no load was applied") {
		t.Errorf("verdict %+v: want inconclusive, no load applied", r.Verdict)
	}
	if !strings.Contains(res.stderr, "no load was applied") {
		t.Errorf("stderr %q does not say why", res.stderr)
	}
}

// underUlimit runs the binary with args in dir under limits of its own,
// set by the shell's ulimit (e.g. "-Sn 128 -Hn 4096"), as a container with
// few descriptors or a full disk would.
func underUlimit(t *testing.T, dir, limits string, args ...string) result {
	t.Helper()
	script := ""
	for _, l := range strings.Split(limits, " -") {
		script += "ulimit -" + strings.TrimPrefix(l, "-") + " && "
	}
	script += `exec "$0" "$@"`
	return runProgram(t, dir, "sh", append([]string{"-c", script, bin}, withTestThreshold(args)...))
}

// blockprobe's own file-descriptor limit is known before the run: a run it
// cannot hold is refused with the reason, a soft limit is raised to the
// hard one where that is enough.
func TestFileLimitIsKnownBeforeTheRun(t *testing.T) {
	res := underUlimit(t, "", "-Sn 1024 -Hn 2048", "run", "--mode", "async", "--concurrency", "5000", "--duration", "200ms")
	if res.code != bp.ExitUsage || !strings.Contains(res.stderr, "ulimit -n") || res.stdout != "" {
		t.Errorf("exit %d, stderr %q: want exit 2 naming the limit, before any measurement", res.code, res.stderr)
	}
	res = underUlimit(t, "", "-Sn 128 -Hn 4096", "run", "--mode", "async", "--complex-delay", "100ms", "--concurrency", "300",
		"--duration", "300ms", "--format", "json")
	if res.code != 0 {
		t.Fatalf("a soft limit of 128 under a hard one of 4096: exit %d, stderr %s", res.code, res.stderr)
	}
	if r := decode(t, res.stdout); r.Endpoints.Complex.Loaded.OK < 300 {
		t.Errorf("%d ComplexHandler requests succeeded, want all 300 workers served", r.Endpoints.Complex.Loaded.OK)
	}
}

// compare keeps the runs it finished when a later target is down: the
// report has every run, the dead one marked, and the exit code says 3.
func TestCompareKeepsFinishedRunsWhenATargetIsDown(t *testing.T) {
	up := serveInBackground(t, "async", "100ms")
	down := loopback.ClosedURL(t)
	res := blockprobe(t, "compare", "--target", "up="+up, "--target", "down="+down, "--duration", "300ms", "--format", "json")
	if res.code != bp.ExitTarget || !strings.Contains(res.stderr, "down") {
		t.Errorf("exit %d, stderr %q: want 3, naming the target that was down", res.code, res.stderr)
	}
	var got struct {
		Runs []report `json:"runs"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
		t.Fatalf("no comparison written: %v\n%s", err, res.stdout)
	}
	if len(got.Runs) != 2 || got.Runs[0].Endpoints.Main.Loaded.OK == 0 || got.Runs[1].Verdict.Conclusive ||
		!strings.Contains(got.Runs[1].Verdict.Summary, "unreachable") {
		t.Errorf("runs %+v: want up measured and down marked unreachable", got.Runs)
	}
}

// An output that cannot be written in full is said, with what was lost,
// and the exit code is 4: a CI job must not pass with a truncated file.
func TestLostOutputsExit4(t *testing.T) {
	dir := t.TempDir()
	// A file-size limit of 4 KiB (8 blocks of 512 bytes) is a full disk
	// for the results stream.
	res := underUlimit(t, dir, "-f 8", "run", "--mode", "async", "--complex-delay", "100ms", "--results", "r.ndjson", "--format", "json")
	if res.code != bp.ExitOutput || !strings.Contains(res.stderr, "--results") || !strings.Contains(res.stderr, "not written") {
		t.Errorf("results on a full disk: exit %d, stderr %q: want 4, saying what was lost", res.code, res.stderr)
	}
	if !strings.Contains(res.stdout, `"verdict"`) {
		t.Error("the report itself was not written")
	}
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full here")
	}
	defer full.Close()
	cmd := exec.Command(bin, "run", "--mode", "async", "--complex-delay", "100ms")
	cmd.Stdout = full
	if code, err := child.ExitCode(cmd.Run()); code != bp.ExitOutput {
		t.Errorf("report to a full stdout: exit %d (%v), want exit %d", code, err, bp.ExitOutput)
	}
}
