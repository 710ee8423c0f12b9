package cmd_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// stagedReport is the part of a JSON report with stages these tests read.
type stagedReport struct {
	LoadApplied float64 `json:"load_applied"`
	Config      struct {
		LoadRate float64 `json:"load_rate"`
		Stages   []struct {
			DurationMs float64 `json:"duration_ms"`
			Level      float64 `json:"level"`
		} `json:"stages"`
	} `json:"config"`
	Endpoints struct {
		Complex struct {
			Loaded stats `json:"loaded"`
		} `json:"complex"`
	} `json:"endpoints"`
	Stages []struct {
		Level       float64 `json:"level"`
		LoadApplied float64 `json:"load_applied"`
		Endpoints   struct {
			Main    struct{ Loaded stats } `json:"main"`
			Complex struct{ Loaded stats } `json:"complex"`
		} `json:"endpoints"`
		Verdict struct {
			Starved    bool `json:"starved"`
			Conclusive bool `json:"conclusive"`
		} `json:"verdict"`
	} `json:"stages"`
}

// decodeAs reads the JSON document s as a T, or fails the test.
func decodeAs[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("stdout is not the JSON document wanted: %v\n%s", err, s)
	}
	return v
}

func decodeStaged(t *testing.T, s string) stagedReport {
	t.Helper()
	return decodeAs[stagedReport](t, s)
}

func TestRunStages(t *testing.T) {
	cases := []struct {
		name     string
		args     []string
		levels   []float64
		starved  []bool
		openLoop bool
	}{
		{"workers on a blocking loop, after a rest", []string{"--mode", "blocking", "--complex-delay", "300ms", "--stages", "400ms:0,600ms:1"},
			[]float64{0, 1}, []bool{false, true}, false},
		{"workers on a pool", []string{"--mode", "pooled", "--pool", "2", "--complex-delay", "100ms", "--stages", "400ms:1,400ms:4"},
			[]float64{1, 4}, []bool{false, false}, false},
		{"rates", []string{"--mode", "async", "--complex-delay", "100ms", "--stages", "500ms:4/s,500ms:20/s"},
			[]float64{4, 20}, []bool{false, false}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := blockprobe(t, append([]string{"run", "--format", "json"}, tc.args...)...)
			if res.code != 0 {
				t.Fatalf("exit %d; stderr %s", res.code, res.stderr)
			}
			r := decodeStaged(t, res.stdout)
			if len(r.Stages) != len(tc.levels) || len(r.Config.Stages) != len(tc.levels) {
				t.Fatalf("%d stages, %d in the config; want %d", len(r.Stages), len(r.Config.Stages), len(tc.levels))
			}
			if (r.Config.LoadRate > 0) != tc.openLoop {
				t.Errorf("config.load_rate %v, open loop %v", r.Config.LoadRate, tc.openLoop)
			}
			for i, s := range r.Stages {
				if s.Level != tc.levels[i] || s.Verdict.Starved != tc.starved[i] {
					t.Errorf("stage %d: level %v, starved %v; want %v, %v", i+1, s.Level, s.Verdict.Starved, tc.levels[i], tc.starved[i])
				}
				if s.Endpoints.Main.Loaded.Count < 5 {
					t.Errorf("stage %d: %d probes; probes go on throughout", i+1, s.Endpoints.Main.Loaded.Count)
				}
			}
			if tc.openLoop {
				// 4/s and 20/s for half a second each: 2 and 10 requests.
				if a, b := r.Stages[0].Endpoints.Complex.Loaded.Count, r.Stages[1].Endpoints.Complex.Loaded.Count; a != 2 || b != 10 {
					t.Errorf("open-loop stages sent %d and %d requests, want 2 and 10", a, b)
				}
			}
		})
	}
}

// Every format shows each stage apart.
func TestStagesInEveryFormat(t *testing.T) {
	args := []string{"run", "--mode", "pooled", "--pool", "2", "--complex-delay", "100ms", "--stages", "300ms:1,300ms:3"}
	cases := []formatWants{
		{"text", []string{"Stages of the load", "stage 1 (0ms-300ms, 1 worker): MainHandler", "stage 2 (300ms-600ms, 3 workers): MainHandler"}},
		{"markdown", []string{"**Stages**", "| 2 | 300ms-600ms | 3 workers |"}},
		{"csv", []string{",main,stage1_loaded,", ",complex,stage2_loaded,"}},
		{"gobench", []string{"BenchmarkMain/pooled/stage2_loaded/p99 "}},
		{"html", []string{"Stages of the load", `class="stage"`}},
	}
	checkFormats(t, args, cases)
	t.Run("timeline", func(t *testing.T) {
		t.Parallel()
		res := blockprobe(t, append(args, "--timeline")...)
		if res.code != 0 || !strings.Contains(res.stdout, "│1: 1 worker") || !strings.Contains(res.stdout, "│2: 3 workers") {
			t.Errorf("exit %d; the timeline does not mark the stages:\n%s", res.code, res.stdout)
		}
	})
}

// Open-loop load is sent on schedule, and the load applied is reported.
func TestRunLoadRate(t *testing.T) {
	res := blockprobe(t, "run", "--mode", "async", "--complex-delay", "200ms", "--load-rate", "10", "--duration", "1s", "--format", "json")
	if res.code != 0 {
		t.Fatalf("exit %d; stderr %s", res.code, res.stderr)
	}
	r := decodeStaged(t, res.stdout)
	if n := r.Endpoints.Complex.Loaded.Count; n != 10 {
		t.Errorf("%d ComplexHandler requests at 10/s for 1s, want 10", n)
	}
	if r.LoadApplied < 8 || r.LoadApplied > 10.5 || r.Config.LoadRate != 10 {
		t.Errorf("load applied %v/s of %v/s asked", r.LoadApplied, r.Config.LoadRate)
	}
	text := blockprobe(t, "run", "--mode", "async", "--complex-delay", "100ms", "--load-rate", "10", "--duration", "500ms")
	if text.code != 0 || !strings.Contains(text.stdout, "at 10/s for 500ms (open loop)") || !strings.Contains(text.stdout, "ComplexHandler requests/s (10/s asked)") {
		t.Errorf("exit %d; the text report does not say the rate asked and sent:\n%s", text.code, text.stdout)
	}
}
