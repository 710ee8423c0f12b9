package loopdoc

import (
	"encoding/json"
	"os/exec"
	"slices"
	"testing"

	"github.com/blockprobe/blockprobe/internal/child"
)

// The embedded target's buckets are the Python agent's, so a lag
// histogram means the same from every source.
func TestBoundsAreTheAgents(t *testing.T) {
	if len(BoundsMs) != 61 || BoundsMs[0] != 0.1 || BoundsMs[60] != 100_000 || BoundsMs[10] != 1 {
		t.Fatalf("bounds %v", BoundsMs)
	}
	for _, c := range []struct {
		ms   float64
		want int
	}{{0.05, 0}, {0.1, 0}, {0.11, 1}, {1, 10}, {1e6, 61}} {
		if got := Bucket(c.ms); got != c.want {
			t.Errorf("Bucket(%g) = %d, want %d", c.ms, got, c.want)
		}
	}
	py := child.Python
	out, err := exec.Command(py, "-c", "import sys, json; sys.path.insert(0, '../../agents/python'); "+
		"import blockprobe_agent as a; print(json.dumps(a.lag_bounds_ms()))").Output()
	if err != nil {
		t.Skipf("%s cannot load the Python agent: %v", py, err)
	}
	var agent []float64
	if err := json.Unmarshal(out, &agent); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(agent, BoundsMs) {
		t.Errorf("the Python agent's bounds %v differ from %v", agent, BoundsMs)
	}
}
