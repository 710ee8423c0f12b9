package cmd_test

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	bp "github.com/blockprobe/blockprobe/cmd"
)

func TestCompareExpectationsAsExitCodes(t *testing.T) {
	cases := []struct {
		name   string
		expect string
		code   int
	}{
		{"all verdicts met", "blocking=starved,async=not-starved,pooled=not-starved", bp.ExitOK},
		{"a verdict unmet", "blocking=not-starved", bp.ExitExpectation},
		{"a threshold unmet on one run", "async:main.loaded.p99>1s", bp.ExitExpectation},
		{"an unknown mode is a usage error", "threaded=starved", bp.ExitUsage},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := blockprobe(t, "compare", "--complex-delay", "200ms", "--expect", tc.expect)
			if res.code != tc.code {
				t.Fatalf("exit %d, want %d; stderr: %s", res.code, tc.code, res.stderr)
			}
			if tc.code == bp.ExitExpectation && !strings.Contains(res.stderr, "expected") {
				t.Errorf("unmet expectation not named on stderr: %q", res.stderr)
			}
			if tc.code != bp.ExitUsage && !strings.Contains(res.stdout, "blocking") {
				t.Errorf("no side-by-side table on stdout:\n%s", res.stdout)
			}
		})
	}
}

func TestCompareFormats(t *testing.T) {
	dir := t.TempDir()
	jsonPath := filepath.Join(dir, "c.json")
	res := blockprobe(t, "compare", "--complex-delay", "200ms", "--format", "json", "-o", jsonPath)
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	b := readFile(t, jsonPath)
	var doc struct {
		Runs []report `json:"runs"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("compare JSON: %v", err)
	}
	if len(doc.Runs) != 3 || doc.Runs[0].Mode != "blocking" || !doc.Runs[0].Verdict.Starved || doc.Runs[1].Verdict.Starved {
		t.Fatalf("want three runs, blocking starved and async not: %+v", doc.Runs)
	}

	t.Run("report re-renders the saved runs", func(t *testing.T) {
		for format, check := range map[string]func(string) bool{
			"markdown": markdownWellFormed,
			"csv":      func(s string) bool { return csvRows(t, s) == 1+3*4 },
			"gobench":  gobenchLines,
		} {
			res := blockprobe(t, "report", jsonPath, "--format", format)
			if res.code != 0 || !check(res.stdout) {
				t.Errorf("report --format %s: exit %d, output not well formed:\n%s\n%s", format, res.code, res.stdout, res.stderr)
			}
		}
	})

	t.Run("diff against itself has no regressions", func(t *testing.T) {
		res := blockprobe(t, "diff", jsonPath, jsonPath)
		if res.code != 0 || !strings.Contains(res.stdout, "no regressions") {
			t.Errorf("diff: exit %d\n%s%s", res.code, res.stdout, res.stderr)
		}
	})

	t.Run("diff flags a regression", func(t *testing.T) {
		var raw map[string]any
		_ = json.Unmarshal(b, &raw)
		async := raw["runs"].([]any)[1].(map[string]any)
		loaded := async["endpoints"].(map[string]any)["main"].(map[string]any)["loaded"].(map[string]any)
		loaded["p99_ms"] = loaded["p99_ms"].(float64)*3 + 10
		worse, _ := json.Marshal(raw)
		newPath := filepath.Join(dir, "worse.json")
		if err := os.WriteFile(newPath, worse, 0o644); err != nil {
			t.Fatal(err)
		}
		res := blockprobe(t, "diff", jsonPath, newPath)
		if res.code != bp.ExitExpectation || !strings.Contains(res.stdout, "REGRESSION") {
			t.Errorf("diff: exit %d, want 1 and a REGRESSION row\n%s%s", res.code, res.stdout, res.stderr)
		}
	})

	t.Run("diff in Markdown for a job summary, and in JSON", func(t *testing.T) {
		res := blockprobe(t, "diff", jsonPath, jsonPath, "--format", "markdown")
		if res.code != 0 || !markdownWellFormed(res.stdout) || !strings.Contains(res.stdout, "| run | figure | old | new | change |") {
			t.Errorf("diff --format markdown: exit %d\n%s%s", res.code, res.stdout, res.stderr)
		}
		res = blockprobe(t, "diff", jsonPath, jsonPath, "--format", "json")
		var doc struct {
			Regressions int
			Only        []string
			Changes     []struct{ Figure string }
		}
		if err := json.Unmarshal([]byte(res.stdout), &doc); res.code != 0 || err != nil || doc.Regressions != 0 || len(doc.Changes) == 0 {
			t.Errorf("diff --format json: exit %d, %v, %+v\n%s", res.code, err, doc, res.stderr)
		}
	})

	t.Run("a run found on one side only counts", func(t *testing.T) {
		var raw map[string]any
		_ = json.Unmarshal(b, &raw)
		raw["runs"] = raw["runs"].([]any)[:1]
		fewer, _ := json.Marshal(raw)
		newPath := filepath.Join(dir, "fewer.json")
		if err := os.WriteFile(newPath, fewer, 0o644); err != nil {
			t.Fatal(err)
		}
		res := blockprobe(t, "diff", jsonPath, newPath)
		if res.code != bp.ExitExpectation || !strings.Contains(res.stdout, "found on one side only") || !strings.Contains(res.stderr, "one side only") {
			t.Errorf("diff with a run missing: exit %d, want 1 and the run named\n%s%s", res.code, res.stdout, res.stderr)
		}
	})
}

func TestRunCSVPerRequest(t *testing.T) {
	res := blockprobe(t, "run", "--mode", "async", "--complex-delay", "200ms", "--format", "csv", "--requests")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	// header, 20 baseline, the probes, one complex request
	if n := csvRows(t, res.stdout); n < 1+20+4+1 {
		t.Errorf("%d CSV rows, want one per request plus a header", n)
	}
}

func TestRunRepeatReportsMedianAndSpread(t *testing.T) {
	res := blockprobe(t, "run", "--mode", "blocking", "--complex-delay", "300ms", "--repeat", "3", "--format", "json")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	var r struct {
		Repeat struct {
			N       int                           `json:"n"`
			Starved int                           `json:"starved"`
			Spread  map[string]map[string]float64 `json:"spread"`
		} `json:"repeat"`
		Verdict struct {
			Starved bool `json:"starved"`
		} `json:"verdict"`
		Requests []struct {
			Repeat int `json:"repeat"`
		} `json:"requests"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &r); err != nil {
		t.Fatal(err)
	}
	p99 := r.Repeat.Spread["main.loaded.p99_ms"]
	if r.Repeat.N != 3 || r.Repeat.Starved != 3 || !r.Verdict.Starved || p99["min"] > p99["median"] || p99["median"] > p99["max"] {
		t.Errorf("repeat %+v, verdict starved %v", r.Repeat, r.Verdict.Starved)
	}
	if last := r.Requests[len(r.Requests)-1].Repeat; last != 3 {
		t.Errorf("last request belongs to run %d, want 3", last)
	}
}

func markdownWellFormed(s string) bool {
	var cells []int
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(line, "|") {
			cells = append(cells, strings.Count(strings.ReplaceAll(line, `\|`, ""), "|"))
		}
	}
	if len(cells) < 5 {
		return false
	}
	for _, n := range cells {
		if n != cells[0] {
			return false
		}
	}
	return true
}

func csvRows(t *testing.T, s string) int {
	rows, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Errorf("CSV does not parse: %v", err)
		return 0
	}
	return len(rows)
}

var benchLine = regexp.MustCompile(`^Benchmark\S+ 1 \d+ ns/op$`)

func gobenchLines(s string) bool {
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		if strings.HasPrefix(line, "Benchmark") {
			if !benchLine.MatchString(line) {
				return false
			}
			n++
		}
	}
	return n >= 3*3*5
}
