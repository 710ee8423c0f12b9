package report

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/blockprobe/blockprobe/probe"
)

// scenarioOf is what must be equal for reports to merge: what was probed
// and how, but not which shard sent it.
func scenarioOf(r *Report) map[string]any {
	c := r.Config
	c.Shard = ""
	fields := map[string]any{"mode": r.Mode, "target": r.Target, "shards": "none"}
	if s := configShard(r.Config); s.Count > 0 {
		fields["shards"] = s.Count
	}
	b, _ := json.Marshal(c) // a Config always marshals
	var config map[string]any
	_ = json.Unmarshal(b, &config)
	for k, v := range config {
		fields["config."+k] = v
	}
	return fields
}

// sameScenario refuses reports whose scenarios differ, naming the first
// difference, and reports that hold several runs.
func sameScenario(srcs []Source) error {
	want := scenarioOf(srcs[0].Report)
	for _, s := range srcs[1:] {
		got := scenarioOf(s.Report)
		union := maps.Clone(want)
		maps.Copy(union, got)
		keys := slices.Sorted(maps.Keys(union))
		// Mode and target first: they say most.
		slices.SortStableFunc(keys, func(a, b string) int { return strings.Count(a, ".") - strings.Count(b, ".") })
		for _, k := range keys {
			a, _ := json.Marshal(want[k])
			b, _ := json.Marshal(got[k])
			if string(a) != string(b) {
				return fmt.Errorf("%w %s and %s: different scenarios, %s %s vs %s", ErrCannotMerge, srcs[0].Name, s.Name, k, a, b)
			}
		}
	}
	return nil
}

// checkShards refuses the same shard twice, and returns the shards of the
// run that are missing.
func checkShards(srcs []Source) ([]string, error) {
	first := configShard(srcs[0].Report.Config)
	if !first.Sharded() {
		return nil, nil
	}
	seen := map[int]string{}
	for _, s := range srcs {
		i := configShard(s.Report.Config).Index
		if other, ok := seen[i]; ok {
			return nil, fmt.Errorf("%w %s and %s: both are shard %d/%d, which would count its requests twice", ErrCannotMerge, other, s.Name, i, first.Count)
		}
		seen[i] = s.Name
	}
	var missing []string
	for i := range first.Count {
		if _, ok := seen[i]; !ok {
			missing = append(missing, probe.Shard{Index: i, Count: first.Count}.String())
		}
	}
	return missing, nil
}
