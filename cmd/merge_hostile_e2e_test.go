package cmd_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	bp "github.com/blockprobe/blockprobe/cmd"
	"github.com/blockprobe/blockprobe/internal/loopback"
)

// One shard of two could not reach the target (it was not up yet); the
// other measured it well. Merged, the run failed, and a CI gate on the
// merged verdict fails with it, as the same gate on a run does.
func TestMergeOfAFailedShardFails(t *testing.T) {
	url := loopback.ClosedURL(t)
	dir := t.TempDir()
	s0, s1 := filepath.Join(dir, "s0.json"), filepath.Join(dir, "s1.json")
	down := blockprobe(t, "run", "--target", url, "--duration", "300ms", "--shard", "1/2", "--format", "json", "-o", s1)
	if down.code != bp.ExitTarget {
		t.Fatalf("the shard that found no target exits %d: %s", down.code, down.stderr)
	}
	_, out, errOut := start(t, "serve", "--mode", "async", "--complex-delay", "100ms", "--addr", strings.TrimPrefix(url, "http://"))
	servedURL(t, out, errOut)
	up := blockprobe(t, "run", "--target", url, "--duration", "300ms", "--shard", "0/2", "--format", "json", "-o", s0)
	if up.code != 0 {
		t.Fatalf("the shard that measured exits %d: %s", up.code, up.stderr)
	}
	for _, args := range [][]string{
		{"merge", s0, s1, "--format", "json"},
		{"report", s0, s1, "--format", "json"},
	} {
		res := blockprobe(t, args...)
		var r struct {
			Status  string `json:"status"`
			Verdict struct {
				Conclusive bool `json:"conclusive"`
			} `json:"verdict"`
		}
		if err := json.Unmarshal([]byte(res.stdout), &r); err != nil {
			t.Fatalf("%v: %v (%s)", args, err, res.stderr)
		}
		if res.code != 0 || r.Status != "failed" || r.Verdict.Conclusive {
			t.Errorf("%v: exit %d, status %q, verdict %+v: want exit 0 (no --expect), status failed, no verdict", args[:3], res.code, r.Status, r.Verdict)
		}
		gate := blockprobe(t, append(args, "--expect", "not-starved")...)
		if gate.code != bp.ExitTarget || !strings.Contains(gate.stderr, "s1.json") {
			t.Errorf("%v --expect not-starved: exit %d (%s), want %d naming the failed shard", args[:3], gate.code, gate.stderr, bp.ExitTarget)
		}
	}
	// A single saved run that failed fails its expectations too.
	if res := blockprobe(t, "report", s1, "--expect", "main.loaded.p99<100ms"); res.code != bp.ExitTarget {
		t.Errorf("report of a failed run --expect: exit %d (%s), want %d", res.code, res.stderr, bp.ExitTarget)
	}
}

// The service of a pull request is down where main's was up: diff says so,
// and exits 1, however its figures compare (a failed run has none).
func TestDiffOfAFailedRunIsARegression(t *testing.T) {
	url := loopback.ClosedURL(t)
	dir := t.TempDir()
	before, after := filepath.Join(dir, "main.json"), filepath.Join(dir, "pr.json")
	if down := blockprobe(t, "run", "--target", url, "--duration", "300ms", "--format", "json", "-o", after); down.code != bp.ExitTarget {
		t.Fatalf("the run that found no target exits %d: %s", down.code, down.stderr)
	}
	_, out, errOut := start(t, "serve", "--mode", "async", "--complex-delay", "100ms", "--addr", strings.TrimPrefix(url, "http://"))
	servedURL(t, out, errOut)
	if up := blockprobe(t, "run", "--target", url, "--duration", "300ms", "--format", "json", "-o", before); up.code != 0 {
		t.Fatalf("the run that measured exits %d: %s", up.code, up.stderr)
	}
	for _, format := range []string{"text", "markdown", "json"} {
		res := blockprobe(t, "diff", before, after, "--format", format)
		if res.code != bp.ExitExpectation || !strings.Contains(res.stdout, "status") || !strings.Contains(res.stdout, "1 regression") {
			t.Errorf("diff --format %s: exit %d, want %d with the status a regression:\n%s%s", format, res.code, bp.ExitExpectation, res.stdout, res.stderr)
		}
	}
	if res := blockprobe(t, "diff", after, before); res.code != 0 || !strings.Contains(res.stdout, "better") {
		t.Errorf("diff of the recovery: exit %d, want 0 and the status better:\n%s", res.code, res.stdout)
	}
}

// The same run given twice, by its name or in a merged report, would
// count its requests twice: merge refuses it, as it refuses a shard twice.
func TestMergeRefusesTheSameRunTwice(t *testing.T) {
	url := loopback.Answering(t)
	dir := t.TempDir()
	a, b, ab := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json"), filepath.Join(dir, "ab.json")
	for _, path := range []string{a, b} {
		if res := blockprobe(t, "run", "--target", url, "--duration", "200ms", "--baseline", "3", "--format", "json", "-o", path); res.code != 0 {
			t.Fatalf("run exits %d: %s", res.code, res.stderr)
		}
	}
	if res := blockprobe(t, "merge", a, b, "--format", "json", "-o", ab); res.code != 0 {
		t.Fatalf("merging two runs exits %d: %s", res.code, res.stderr)
	}
	for _, files := range [][]string{{a, a}, {ab, b}} {
		res := blockprobe(t, append([]string{"merge"}, files...)...)
		if res.code != bp.ExitUsage || !strings.Contains(res.stderr, "same run") || strings.Count(strings.TrimSpace(res.stderr), "\n") > 0 {
			t.Errorf("merge %s %s: exit %d, %q: want %d and one line naming the same run", filepath.Base(files[0]), filepath.Base(files[1]), res.code, res.stderr, bp.ExitUsage)
		}
	}
}
