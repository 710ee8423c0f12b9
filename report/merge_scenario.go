package report

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

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

// checkShards refuses the same run or shard twice, and returns the shards
// of the run that are missing.
func checkShards(srcs []Source) ([]string, error) {
	first := configShard(srcs[0].Report.Config)
	if !first.Sharded() {
		return nil, distinctRuns(srcs)
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

// distinctRuns refuses the same unsharded run given twice (shards are
// known by their index): one file named twice, or a merged report beside
// one of its parts. A run is known by the instant it started (to the
// nanosecond); a merged report by its parts'.
func distinctRuns(srcs []Source) error {
	seen := map[time.Time]string{}
	for _, s := range srcs {
		starts := []time.Time{s.Report.Started}
		if len(s.Report.Shards) > 0 {
			starts = starts[:0]
			for _, part := range s.Report.Shards {
				starts = append(starts, part.Started)
			}
		}
		for _, at := range starts {
			if other, ok := seen[at]; ok && !at.IsZero() {
				return fmt.Errorf("%w %s and %s: both hold the same run (started %s), which would count its requests twice",
					ErrCannotMerge, other, s.Name, at.UTC().Format(time.RFC3339Nano))
			}
			seen[at] = s.Name
		}
	}
	return nil
}

// maxMergeSpan is how far apart the reports of one run may have begun:
// shards start together (--start-at refuses a start more than a day
// ahead), and a check run on several machines runs the same day.
const maxMergeSpan = 24 * time.Hour

// oneDay refuses reports that began further apart than maxMergeSpan: a
// generator whose clock was reset (1970) is not part of the run, and the
// merge would place its requests beyond any time a report can hold.
func oneDay(srcs []Source) error {
	first, last := srcs[0], srcs[0]
	for _, s := range srcs[1:] {
		if s.Report.Started.Before(first.Report.Started) {
			first = s
		}
		if s.Report.Started.After(last.Report.Started) {
			last = s
		}
	}
	if last.Report.Started.Sub(first.Report.Started) > maxMergeSpan {
		return fmt.Errorf("%w %s and %s: they began more than %s apart (%s and %s), not one run: check the generators' clocks",
			ErrCannotMerge, first.Name, last.Name, maxMergeSpan,
			first.Report.Started.UTC().Format(time.RFC3339), last.Report.Started.UTC().Format(time.RFC3339))
	}
	return nil
}
