package cmd_test

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	bp "github.com/blockprobe/blockprobe/cmd"
)

// shardsRun runs the binary with args and extra environment, as CI does.
func shardsRun(t *testing.T, env []string, args ...string) result {
	t.Helper()
	return runProgram(t, "", bin, args, env...)
}

// TestShardsMergeIntoTheRun runs three shards of one run as processes
// against one embedded target served apart, started with one --start-at
// (one shard taking its index from JOB_COMPLETION_INDEX, as a pod of an
// Indexed Job does), merges their reports, and compares the merge with
// the shards and with one process's run of the same scenario.
func TestShardsMergeIntoTheRun(t *testing.T) {
	// The go loop, whose p99 under this load is the delay: Tornado's is
	// the delay or twice it, as each probe's race with the load goes (real
	// Tornado's too), which would compare two runs by a coin toss.
	url := serveInBackground(t, "blocking", "300ms", "--loop", "go")
	dir := t.TempDir()
	scenario := []string{"run", "--target", url, "--duration", "1500ms", "--rate", "30", "--starve-threshold", testThreshold, "--no-progress", "--format", "json"}
	startAt := time.Now().Add(2500 * time.Millisecond).UTC().Format(time.RFC3339Nano)
	var wg sync.WaitGroup
	for i := range 3 {
		args := append(slices.Clone(scenario), "--start-at", startAt, "-o", filepath.Join(dir, "s"+strconv.Itoa(i)+".json"))
		var env []string
		if i == 2 {
			args, env = append(args, "--shards", "3"), []string{"JOB_COMPLETION_INDEX=2"}
		} else {
			args = append(args, "--shard", strconv.Itoa(i)+"/3")
		}
		wg.Go(func() {
			if r := shardsRun(t, env, args...); r.code != 0 {
				t.Errorf("shard %d exited %d: %s", i, r.code, r.stderr)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	files := []string{filepath.Join(dir, "s0.json"), filepath.Join(dir, "s1.json"), filepath.Join(dir, "s2.json")}
	m := shardsRun(t, nil, append([]string{"merge", "--format", "json"}, files...)...)
	if m.code != 0 {
		t.Fatalf("merge exited %d: %s", m.code, m.stderr)
	}
	merged := decode(t, m.stdout)

	var shards []report
	for _, f := range files {
		data := readFile(t, f)
		shards = append(shards, decode(t, string(data)))
	}
	sum := func(f func(r report) int) (n int) {
		for _, s := range shards {
			n += f(s)
		}
		return n
	}
	for _, c := range []struct {
		name string
		of   func(r report) int
	}{
		{"main.baseline.count", func(r report) int { return r.Endpoints.Main.Baseline.Count }},
		{"main.loaded.count", func(r report) int { return r.Endpoints.Main.Loaded.Count }},
		{"main.loaded.ok", func(r report) int { return r.Endpoints.Main.Loaded.OK }},
		{"complex.loaded.count", func(r report) int { return r.Endpoints.Complex.Loaded.Count }},
	} {
		if got, want := c.of(merged), sum(c.of); got != want {
			t.Errorf("merged %s %d, want the shards' sum %d", c.name, got, want)
		}
	}
	// 20ms + j/30s < 1.5s: probes 0 to 44, a third on each shard; the
	// baseline on shard 0 alone.
	if n := merged.Endpoints.Main.Loaded.Count; n != 45 {
		t.Errorf("merged %d probes, want the 45 of one process's schedule", n)
	}
	if shards[0].Endpoints.Main.Baseline.Count != 20 || shards[1].Endpoints.Main.Baseline.Count+shards[2].Endpoints.Main.Baseline.Count != 0 {
		t.Errorf("baselines of the shards: %d, %d, %d; want 20 on shard 0 alone", shards[0].Endpoints.Main.Baseline.Count,
			shards[1].Endpoints.Main.Baseline.Count, shards[2].Endpoints.Main.Baseline.Count)
	}
	checkEvenlySpaced(t, merged, time.Second/30)

	// One process, the same scenario.
	singleOut := shardsRun(t, nil, scenario...).stdout
	single := decode(t, singleOut)
	if merged.Verdict.Starved != single.Verdict.Starved || !merged.Verdict.Starved || !merged.Verdict.Conclusive {
		t.Errorf("merged verdict %q, one process's %q: want both starved", merged.Verdict.Summary, single.Verdict.Summary)
	}
	// A blocked loop ramps the probes' latency down from the 300ms delay:
	// both p99s near it, apart by noise only.
	if d := math.Abs(merged.Endpoints.Main.Loaded.P99 - single.Endpoints.Main.Loaded.P99); d > 100 {
		t.Errorf("merged p99 %.1fms, one process's %.1fms: %.1fms apart", merged.Endpoints.Main.Loaded.P99, single.Endpoints.Main.Loaded.P99, d)
	}

	// report reads several files by merge's code.
	if r := shardsRun(t, nil, append([]string{"report", "--format", "json"}, files...)...); r.code != 0 || decode(t, r.stdout).Verdict.Summary != merged.Verdict.Summary {
		t.Errorf("report of the shards (exit %d) differs from their merge: %s", r.code, r.stderr)
	}
	// Reports of another scenario are refused.
	other := filepath.Join(dir, "single.json")
	if err := os.WriteFile(other, []byte(singleOut), 0o644); err != nil {
		t.Fatal(err)
	}
	r := shardsRun(t, nil, "merge", files[0], other)
	if r.code != bp.ExitUsage || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || !strings.Contains(r.stderr, "different scenarios") {
		t.Errorf("merge of a shard and a whole run: exit %d, stderr %q; want 2 and one line naming the difference", r.code, r.stderr)
	}
}

// checkEvenlySpaced checks that the merged probes were due every period:
// the shards' streams interleave, none bunched with another's.
func checkEvenlySpaced(t *testing.T, r report, period time.Duration) {
	t.Helper()
	var due []float64
	for _, q := range r.Requests {
		if q.Endpoint == "main" && q.Phase == "loaded" {
			due = append(due, q.ScheduledMs)
		}
	}
	slices.Sort(due)
	want := float64(period) / float64(time.Millisecond)
	for i := 1; i < len(due); i++ {
		// Shards schedule on their own clocks: here one clock, so the
		// gaps are exact but for the rounding of milliseconds.
		if gap := due[i] - due[i-1]; math.Abs(gap-want) > 1 {
			t.Errorf("probes %d and %d of the merged stream were due %.2fms apart, want %.2fms", i-1, i, gap, want)
		}
	}
}

func TestShardFlagsRefuseBadInput(t *testing.T) {
	target := "http://127.0.0.1:9"
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"not I/N", nil, []string{"--shard", "2"}, "--shard"},
		{"index past the count", nil, []string{"--shard", "3/3"}, "from 0 to 2"},
		{"no shards", nil, []string{"--shard", "0/0"}, "--shard 0/0: the number of shards must be from 1 to"},
		{"a count of shards below one", nil, []string{"--shards", "-3"}, "--shards -3: want the number of shards, from 1 to"},
		{"no shards in an Indexed Job", []string{"JOB_COMPLETION_INDEX=1"}, []string{"--shards", "0"}, "--shards 0: want the number of shards"},
		{"count and shard disagree", nil, []string{"--shard", "0/3", "--shards", "4"}, "disagree"},
		{"count without an index", nil, []string{"--shards", "3"}, "JOB_COMPLETION_INDEX"},
		{"an index without a count", []string{"JOB_COMPLETION_INDEX=2"}, nil, "JOB_COMPLETION_INDEX=2 without --shards"},
		{"index past the count from the Job", []string{"JOB_COMPLETION_INDEX=5", "BLOCKPROBE_SHARDS=3"}, nil, "JOB_COMPLETION_INDEX"},
		{"count in the environment not a number", []string{"BLOCKPROBE_SHARDS=three"}, nil, "BLOCKPROBE_SHARDS"},
		{"not RFC 3339", nil, []string{"--start-at", "tomorrow"}, "--start-at"},
		{"far in the past", nil, []string{"--start-at", "2020-01-01T00:00:00Z"}, "--start-at"},
		{"far in the future", nil, []string{"--start-at", time.Now().Add(72 * time.Hour).Format(time.RFC3339)}, "--start-at"},
		{"shards of the embedded target", nil, []string{"--shard", "0/2", "--mode", "blocking"}, "--target"},
		{"with --repeat", nil, []string{"--shard", "0/2", "--repeat", "3"}, "--repeat"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"run", "--no-progress"}, tc.args...)
			if !slices.Contains(args, "--mode") {
				args = append(args, "--target", target)
			}
			r := shardsRun(t, tc.env, args...)
			if r.code != bp.ExitUsage || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("blockprobe %v: exit %d, stderr %q; want 2 and one line saying %q", args, r.code, r.stderr, tc.want)
			}
		})
	}
}
