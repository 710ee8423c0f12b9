package cmd_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

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
