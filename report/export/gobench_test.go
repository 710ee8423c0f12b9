package export

import (
	"bytes"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

var benchLine = regexp.MustCompile(`^Benchmark\S+ 1 \d+ ns/op$`)

func TestWriteGobench(t *testing.T) {
	runs := fixture.Compare(t)
	var buf bytes.Buffer
	if err := writeGobench(&buf, runs, "linux", "amd64"); err != nil {
		t.Fatalf("writeGobench: %v", err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "goos: linux\ngoarch: amd64\npkg: blockprobe\n") {
		t.Errorf("output does not start with the goos, goarch and pkg lines:\n%.100s", out)
	}
	values := map[string]string{}
	var skipped []string
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n")[3:] {
		if strings.HasPrefix(line, "# ") {
			skipped = append(skipped, line) // a comment, which the tools skip
			continue
		}
		if !benchLine.MatchString(line) {
			t.Errorf("not a benchmark line: %q", line)
			continue
		}
		name, rest, _ := strings.Cut(line, " ")
		if _, dup := values[name]; dup {
			t.Errorf("benchmark %s appears twice", name)
		}
		values[name] = strings.Fields(rest)[1]
	}
	// 3 endpoints and phases x 5 statistics for each run, but the
	// interrupted run answered only its baseline; and 4 loop figures for
	// each run with loop figures.
	if want := 15 + 15 + 15 + 5 + 3*4; len(values) != want {
		t.Errorf("%d benchmark lines, want %d", len(values), want)
	}
	// The rows with nothing answered are not 0 ns/op: they are skipped, and
	// a comment says how many went unanswered.
	if want := []string{
		"# BenchmarkMain/blocking_cut_short/loaded: skipped, 40 of 40 requests unanswered",
		"# BenchmarkComplex/blocking_cut_short/loaded: skipped, 1 of 1 requests unanswered",
	}; !slices.Equal(skipped, want) {
		t.Errorf("skipped rows %q, want %q", skipped, want)
	}
	ns := func(ms float64) string { return strconv.FormatFloat(math.Round(ms*1e6), 'f', 0, 64) }
	blocking, ext := runs[0].Endpoints, runs[2].Endpoints
	tests := []struct{ name, want string }{
		{"BenchmarkMain/blocking/baseline/p50", ns(blocking.Main.Baseline.P50Ms)},
		{"BenchmarkMain/blocking/loaded/p99", ns(blocking.Main.Loaded.P99Ms)},
		{"BenchmarkMain/blocking/loaded/mean", ns(blocking.Main.Loaded.MeanMs)},
		{"BenchmarkComplex/blocking/loaded/max", ns(blocking.Complex.Loaded.MaxMs)},
		{"BenchmarkMain/staging/loaded/p90", ns(ext.Main.Loaded.P90Ms)},
		{"BenchmarkMain/blocking_cut_short/baseline/p99", ns(runs[3].Endpoints.Main.Baseline.P99Ms)},
		{"BenchmarkMain/blocking_cut_short/loaded/p99", ""},
		{"BenchmarkLoop/blocking/slowest_stall", ns(runs[0].Loop.SlowestCallbackMs)},
		{"BenchmarkLoop/async/lag_p99", ns(runs[1].Loop.LagP99Ms)},
		{"BenchmarkLoop/staging/lag_p99", ""}, // no loop agent
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := values[tc.name]; got != tc.want {
				t.Errorf("value = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestWriteGobenchHost(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteGobench(&buf, fixture.Compare(t)); err != nil {
		t.Fatalf("WriteGobench: %v", err)
	}
	if !strings.HasPrefix(buf.String(), "goos: ") {
		t.Errorf("no goos line:\n%.100s", buf.String())
	}
}

func TestGobenchGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := writeGobench(&buf, fixture.Compare(t), "linux", "amd64"); err != nil {
		t.Fatalf("writeGobench: %v", err)
	}
	fixture.Golden(t, "gobench.golden", buf.Bytes())
}

func TestBenchName(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"mode", "blocking", "blocking"},
		{"safe punctuation", "v1.2-rc_3", "v1.2-rc_3"},
		{"blank", "before fix", "before_fix"},
		{"host:port", "127.0.0.1:8080", "127.0.0.1_8080"},
		{"sub-benchmark separator", "a/b", "a_b"},
		{"key=value", "pool=5", "pool_5"},
		{"tab and newline", "a\tb\nc", "a_b_c"},
		{"non-ASCII", "naïve", "na_ve"},
		{"empty", "", "_"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := benchName(tc.in); got != tc.want {
				t.Errorf("benchName(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
