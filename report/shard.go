package report

import (
	"fmt"
	"strconv"
	"time"

	"github.com/blockprobe/blockprobe/probe"
)

// A run can be split over several generators (run --shard I/N), each
// writing the report of its share; Merge makes them one report again.

// ShardRun is one of the reports a merged report was made of, as the
// merged report lists it. Times are on the merged report's axis.
type ShardRun struct {
	// Source names the report: its file.
	Source string `json:"source"`
	// Shard is its config.shard, "I/N"; empty for a whole run.
	Shard   string    `json:"shard,omitempty"`
	Started time.Time `json:"started"`
	// LoadStartMs is when its load window began, on the merged axis.
	LoadStartMs float64 `json:"load_start_ms"`
	// StartOffsetMs is how far its load window began from the shared start
	// (config.start_at, or the earliest shard's), read on its own clock.
	StartOffsetMs     float64 `json:"start_offset_ms"`
	StartLateMs       float64 `json:"start_late_ms"`
	GeneratorLagP99Ms float64 `json:"generator_lag_p99_ms"`
	Baseline          int     `json:"baseline"`
	Probes            int     `json:"probes"`
	Complex           int     `json:"complex"`
	// Verdict is its own verdict: of its probes alone.
	Verdict Verdict `json:"verdict"`
	// Status is its own status as measured (Report.Measured); a merged
	// report takes the worst.
	Status Status `json:"status,omitempty"`
}

// ShardTitle heads the table of the reports a merged report was made of.
const ShardTitle = "Shards merged (start offset: when its load window began against the shared start, on its own clock):"

// ShardTable is the table of the reports a merged report was made of:
// its header, which columns hold numbers, and a row per report; nil
// without.
func ShardTable(r *Report) (header []string, right []bool, rows [][]string) {
	if len(r.Shards) == 0 {
		return nil, nil, nil
	}
	header = []string{"shard", "source", "baseline", "probes", "complex", "start offset", "late", "generator lag p99", "own verdict"}
	right = []bool{false, false, true, true, true, true, true, true, false}
	for _, s := range r.Shards {
		shard, late := s.Shard, "-"
		if shard == "" {
			shard = "-"
		}
		if s.StartLateMs > 0 {
			late = FormatMs(s.StartLateMs)
		}
		rows = append(rows, []string{shard, s.Source, strconv.Itoa(s.Baseline), strconv.Itoa(s.Probes), strconv.Itoa(s.Complex),
			signedMs(s.StartOffsetMs), late, FormatMs(s.GeneratorLagP99Ms), statusWord(s.Status, s.Verdict)})
	}
	return header, right, rows
}

// configShard is the shard a report's config names; the zero Shard for a
// whole run, or a name that is none.
func configShard(c Config) probe.Shard {
	s, err := probe.ParseShard(c.Shard)
	if err != nil {
		return probe.Shard{}
	}
	return s
}

// LateLine says that a shard reached its load window after --start-at, and
// how late; "" when it was on time.
func LateLine(r *Report) string {
	if r.StartLateMs <= 0 {
		return ""
	}
	who := "this run"
	if r.Config.Shard != "" {
		who = "shard " + r.Config.Shard
	}
	return fmt.Sprintf("%s started its load %s after --start-at %s: the probes and load due before then were not sent",
		who, FormatMs(r.StartLateMs), r.Config.StartAt)
}

// shardNotes are the notes of the report of one shard.
func shardNotes(r *Report) []string {
	s := configShard(r.Config)
	if !s.Sharded() {
		return nil
	}
	notes := []string{fmt.Sprintf("shard %s of a run: this report has its share of the load and of the probes, and its verdict judges its probes alone; blockprobe merge of every shard's report gives the run's figures and verdict", s)}
	if s.Index != probe.BaselineShard {
		notes = append(notes, fmt.Sprintf("the baseline runs on shard %d/%d: this shard measured none", probe.BaselineShard, s.Count))
	}
	if line := LateLine(r); line != "" {
		notes = append(notes, line)
	}
	return notes
}

// shards lists the merged reports.
func (m *merger) shards(out *Report) {
	out.Shards = nil
	var shared time.Time // the load windows' shared start
	if at, err := time.Parse(time.RFC3339Nano, out.Config.StartAt); err == nil {
		shared = at
	} else {
		shared = m.start.Add(fromMillis(out.LoadWindow.StartMs))
	}
	for i, s := range m.srcs {
		r := s.Report
		began := r.Started.Add(fromMillis(r.LoadWindow.StartMs))
		out.Shards = append(out.Shards, ShardRun{
			Source:            s.Name,
			Shard:             r.Config.Shard,
			Started:           r.Started,
			LoadStartMs:       r.LoadWindow.StartMs + m.offset[i],
			StartOffsetMs:     millis(began.Sub(shared)),
			StartLateMs:       r.StartLateMs,
			GeneratorLagP99Ms: r.GeneratorLagP99Ms,
			Baseline:          r.Endpoints.Main.Baseline.Count,
			Probes:            r.Endpoints.Main.Loaded.Count,
			Complex:           r.Endpoints.Complex.Loaded.Count,
			Verdict:           r.Verdict,
			Status:            r.Measured(),
		})
	}
}
