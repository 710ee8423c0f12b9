package export

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"runtime"
	"strings"
	"unicode"

	"github.com/blockprobe/blockprobe/report"
)

// gobenchPkg is the pkg header of WriteGobench; benchstat groups results by it.
const gobenchPkg = "blockprobe"

// gobenchStats are the statistics WriteGobench reports for each endpoint
// and phase.
var gobenchStats = report.StatisticsNamed("p50", "p90", "p99", "max", "mean")

// gobenchRows are the endpoints and phases WriteGobench reports, each with
// the benchmark it belongs to.
var gobenchRows = []struct{ bench, endpoint, phase string }{
	{"BenchmarkMain", report.EndpointMain, report.PhaseBaseline},
	{"BenchmarkMain", report.EndpointMain, report.PhaseLoaded},
	{"BenchmarkComplex", report.EndpointComplex, report.PhaseLoaded},
}

// gobenchRow is one endpoint and phase of a run in the benchmark lines:
// gobenchRows, then those of each stage of the load.
type gobenchRow struct {
	bench, phase string
	stats        *report.Stats
}

// WriteGobench writes runs in the Go benchmark format, so that benchstat and
// continuous-benchmarking actions can track them: the goos, goarch and pkg
// header lines of `go test -bench`, then one line per endpoint, phase and
// statistic, such as "BenchmarkMain/blocking/loaded/p99 1 4931583000 ns/op".
// The run's Name, made safe for a benchmark name, is the first sub-benchmark.
// An endpoint and phase without answered requests has no latency lines but
// a comment that counts them: "# BenchmarkMain/blocking/loaded: skipped, 40
// of 40 requests unanswered".
func WriteGobench(w io.Writer, runs []*report.Report) error {
	return writeGobench(w, runs, runtime.GOOS, runtime.GOARCH)
}

func writeGobench(w io.Writer, runs []*report.Report, goos, goarch string) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "goos: %s\ngoarch: %s\npkg: %s\n", goos, goarch, gobenchPkg)
	for _, r := range runs {
		run := benchName(r.Name())
		rows := make([]gobenchRow, len(gobenchRows))
		for i, row := range gobenchRows {
			rows[i] = gobenchRow{row.bench, row.phase, r.Stats(row.endpoint, row.phase)}
		}
		for _, sr := range r.StageRows() {
			bench := "BenchmarkComplex"
			if sr.Endpoint == report.EndpointMain {
				bench = "BenchmarkMain"
			}
			if !strings.HasSuffix(sr.Phase, report.PhaseLoadedUncorrected) { // left out, as above
				rows = append(rows, gobenchRow{bench, sr.Phase, sr.Stats})
			}
		}
		for _, row := range rows {
			s := row.stats
			if s == nil {
				continue
			}
			if !s.HasLatencies() {
				// Nothing was answered: no latencies to track. A comment,
				// which the tools skip (every benchmark line is ns/op),
				// says how many went unanswered.
				fmt.Fprintf(bw, "# %s/%s/%s: skipped, %d of %d requests unanswered\n", row.bench, run, row.phase, s.Count-s.Answered(), s.Count)
				continue
			}
			for _, st := range gobenchStats {
				ns := math.Round(st.Of(*s) * 1e6)
				fmt.Fprintf(bw, "%s/%s/%s/%s 1 %.0f ns/op\n", row.bench, run, row.phase, st.Name, ns)
			}
		}
		writeGobenchLoop(bw, run, r.Loop)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write benchmark report: %w", err)
	}
	return nil
}

// writeGobenchLoop writes the loop's durations the run has, as
// "BenchmarkLoop/blocking/slowest_stall 1 5000310000 ns/op". Every line is
// in ns/op, as tools that read these lines expect, so the stall count is
// left out.
func writeGobenchLoop(w io.Writer, run string, l *report.Loop) {
	for _, st := range report.LoopStatistics {
		if v, missing := st.OfLoop(l); missing == "" && st.Latency() {
			fmt.Fprintf(w, "BenchmarkLoop/%s/%s 1 %.0f ns/op\n", run, st.Name, math.Round(v*1e6))
		}
	}
}

// benchName makes a run name safe as a sub-benchmark name: letters, digits,
// '.', '-' and '_' are kept, anything else, such as a blank, the '/' that
// separates sub-benchmarks or the '=' that benchstat reads as a key, becomes
// '_'.
func benchName(name string) string {
	if name == "" {
		return "_"
	}
	return strings.Map(func(r rune) rune {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(".-_", r)) {
			return r
		}
		return '_'
	}, name)
}
