package cmd_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bp "github.com/blockprobe/blockprobe/cmd"
)

// The CI path, as a job uses it: -o names the format by its extension, and
// run takes a comma list of expectations as compare does.
func TestOutputFormatFollowsTheExtension(t *testing.T) {
	dir := t.TempDir()
	for ext, check := range map[string]func([]byte) bool{
		".json": func(b []byte) bool { return json.Valid(b) },
		".md":   func(b []byte) bool { return markdownWellFormed(string(b)) },
		".html": func(b []byte) bool { return len(b) > 0 && string(b[:15]) == "<!DOCTYPE html>" },
	} {
		out := filepath.Join(dir, "report"+ext)
		res := blockprobe(t, "run", "--mode", "async", "--complex-delay", "100ms", "-o", out)
		b, err := os.ReadFile(out)
		if res.code != 0 || err != nil || !check(b) {
			t.Errorf("-o report%s: exit %d (%s), %v; wrote:\n%.200s", ext, res.code, res.stderr, err, b)
		}
	}
}

func TestRunTakesACommaListOfExpectations(t *testing.T) {
	res := blockprobe(t, "run", "--mode", "async", "--complex-delay", "100ms", "--expect", "not-starved,main.loaded.p99<1s")
	if res.code != 0 {
		t.Errorf("exit %d: %s", res.code, res.stderr)
	}
	res = blockprobe(t, "run", "--mode", "async", "--complex-delay", "100ms", "--expect", "not-starved,main.loaded.p99<1us")
	if res.code != bp.ExitExpectation {
		t.Errorf("the second expectation of a list was not checked: exit %d: %s", res.code, res.stderr)
	}
}

// A run that exits 3 says that it failed in every format, first: a CI job
// that reads the outputs instead of the exit code is not told that a
// service which answered no probe with a 2xx is healthy.
func TestFailedRunSaysSoInEveryFormat(t *testing.T) {
	url := serveInBackground(t, "async", "200ms")
	dir := t.TempDir()
	saved := filepath.Join(dir, "failed.json")
	res := blockprobe(t, "run", "--target", url, "--main-path", "/nope", "--duration", "400ms", "-o", saved)
	if res.code != bp.ExitTarget || !strings.Contains(res.stderr, "FAILED: none of") {
		t.Fatalf("exit %d, want %d, and stderr to say FAILED: %s", res.code, bp.ExitTarget, res.stderr)
	}
	b := readFile(t, saved)
	var doc struct {
		Status       string
		StatusReason string `json:"status_reason"`
		Verdict      struct{ Conclusive bool }
		Partial      bool
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Status != "failed" || !strings.Contains(doc.StatusReason, "2xx") || doc.Verdict.Conclusive || doc.Partial {
		t.Errorf("JSON says status %q (%q), conclusive %v, partial %v", doc.Status, doc.StatusReason, doc.Verdict.Conclusive, doc.Partial)
	}
	for format, first := range map[string]string{
		"text":     "FAILED: none of",
		"markdown": "**FAILED: none of",
		"html":     "FAILED: none of",
	} {
		out := blockprobe(t, "report", saved, "--format", format)
		if out.code != 0 {
			t.Fatalf("report --format %s: exit %d: %s", format, out.code, out.stderr)
		}
		i := strings.Index(out.stdout, first)
		if i < 0 || strings.Contains(strings.ToLower(out.stdout[:i]), "not starved") || strings.Contains(strings.ToLower(out.stdout), "mainhandler not starved") {
			t.Errorf("--format %s does not lead with %q, or says not starved:\n%.1500s", format, first, out.stdout)
		}
	}
}

// A CI job bounds a run's wall time with its settings: a 1s run against a
// server whose ComplexHandler takes 5s, with --grace 500ms, ends in well
// under 5s, its load request cut off and the run still judged.
func TestGraceBoundsTheWallTime(t *testing.T) {
	url := serveInBackground(t, "async", "5s")
	begin := time.Now()
	res := blockprobe(t, "run", "--target", url, "--duration", "1s", "--grace", "500ms", "--format", "json")
	took := time.Since(begin)
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	// Warm-up and baseline (ms), 1s window, 0.5s grace: ~1.6s; generous on a loaded machine.
	if took > 3500*time.Millisecond {
		t.Errorf("the run took %v; want about 1s window + 0.5s grace, well under the handler's 5s", took)
	}
	var doc struct {
		Status    string
		Endpoints struct {
			Complex struct {
				Loaded struct {
					Count         int
					ErrorsByClass map[string]int `json:"errors_by_class"`
				}
			}
		}
		Notes []string
	}
	if err := json.Unmarshal([]byte(res.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	c := doc.Endpoints.Complex.Loaded
	if doc.Status != "ok" || c.Count != 1 || c.ErrorsByClass["cut_off"] != 1 || !strings.Contains(strings.Join(doc.Notes, "\n"), "cut off") {
		t.Errorf("status %q, complex %+v, notes %q: want ok, the one request cut off and a note saying so", doc.Status, c, doc.Notes)
	}
	t.Logf("1s run, --grace 500ms, against a 5s ComplexHandler: %v", took.Round(time.Millisecond))
}
