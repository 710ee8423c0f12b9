package report

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/blockprobe/blockprobe/probe"
)

// ErrCannotMerge marks reports that cannot be merged into one: of
// different scenarios, the same shard twice, or without the histograms an
// exact merge needs.
var ErrCannotMerge = errors.New("cannot merge")

// Source is a report to merge and the name it goes by in messages and in
// the merged report's list of shards (its file).
type Source struct {
	Name   string
	Report *Report
}

// Merge makes one report of the reports of one scenario: the shards of a
// run (run --shard), or runs of the same check made apart (a CI matrix).
// Counts are added and histograms merged, so every percentile is that of
// all the requests, exactly as one process would have measured it; the
// verdict is judged on the merged figures by the rule of a single run;
// requests and load windows are placed on one time axis, from the
// earliest start; Shards lists each report with its generator's lag and
// start offset. Reports of different scenarios, or the same shard twice,
// are refused with an error wrapping ErrCannotMerge that names the
// difference.
func Merge(srcs []Source) (*Report, error) {
	if len(srcs) == 0 {
		return nil, fmt.Errorf("%w: no report", ErrCannotMerge)
	}
	// Shard order: the first is then the baseline's shard.
	srcs = slices.Clone(srcs)
	slices.SortStableFunc(srcs, func(a, b Source) int {
		return configShard(a.Report.Config).Index - configShard(b.Report.Config).Index
	})
	if err := sameScenario(srcs); err != nil {
		return nil, err
	}
	if err := oneDay(srcs); err != nil {
		return nil, err
	}
	missing, err := checkShards(srcs)
	if err != nil {
		return nil, err
	}
	m := &merger{srcs: srcs}
	m.axis()
	out := *srcs[0].Report // mode, target, label, config
	out.Config.Shard = ""
	out.Repeat, out.Explanation, out.Stages = nil, nil, nil
	if err := m.stats(&out); err != nil {
		return nil, err
	}
	if err := m.stages(&out); err != nil {
		return nil, err
	}
	m.timeline(&out)
	m.shards(&out)
	out.Notes = m.notes(missing)
	out.Verdict = m.judge(out.Endpoints.Main.Baseline, out.Endpoints.Main.Loaded, out.Endpoints.Complex.Loaded,
		out.GeneratorLagP99Ms, func(r *Report) Verdict { return r.Verdict })
	out.settle()
	m.worstPart(&out)
	out.Explanation = Explain(&out)
	return &out, nil
}

// worstPart makes out, settled on the merged figures, no healthier than
// its parts: a shard that could not reach the target adds nothing to the
// figures, so they would look like a healthy run of the others. A part
// that failed (beyond its own --expect, which the merged run is held to
// afresh) or could not be judged gives out its status, and out's verdict
// is withdrawn as a failed run's is.
func (m *merger) worstPart(out *Report) {
	if out.Status != StatusOK {
		return
	}
	for _, worst := range []Status{StatusFailed, StatusInconclusive} {
		for _, s := range m.srcs {
			if r := s.Report; r.Measured() == worst {
				out.Status, out.StatusReason = worst, fmt.Sprintf("%s (%s): %s", partName(r), s.Name, r.StatusReason)
				out.Verdict.Conclusive, out.Verdict.Reason = false, out.StatusReason
				out.Verdict.Summary = VerdictLine(out.Verdict)
				return
			}
		}
	}
}

// partName names a merged report: "shard 1/3", or "report".
func partName(r *Report) string {
	if r.Config.Shard != "" {
		return "shard " + r.Config.Shard
	}
	return "report"
}

// merger holds the reports being merged and where each sits on the merged
// time axis.
type merger struct {
	srcs   []Source
	start  time.Time // the merged report's: the earliest
	offset []float64 // of each report's start from it, ms
}

func (m *merger) axis() {
	m.start = m.srcs[0].Report.Started
	for _, s := range m.srcs {
		if s.Report.Started.Before(m.start) {
			m.start = s.Report.Started
		}
	}
	for _, s := range m.srcs {
		m.offset = append(m.offset, millis(s.Report.Started.Sub(m.start)))
	}
}

// stats merges the statistics of every endpoint and phase, and the
// figures of the run as a whole.
func (m *merger) stats(out *Report) error {
	for _, row := range out.Rows() {
		each := make([]Stats, len(m.srcs))
		for i, s := range m.srcs {
			each[i] = *s.Report.Stats(row.Endpoint, row.Phase)
		}
		merged, err := m.mergeStats(row.Endpoint+"."+row.Phase, func(i int) Stats { return each[i] })
		if err != nil {
			return err
		}
		*row.Stats = merged
	}
	out.GeneratorLagP99Ms, out.LoadApplied, out.StartLateMs, out.Partial = 0, 0, 0, false
	out.RecordsDropped = 0
	for _, s := range m.srcs {
		r := s.Report
		// The worst shard's lag bounds the merged p99 of the lag: no more
		// than 1% of any shard's probes were later than it.
		out.GeneratorLagP99Ms = max(out.GeneratorLagP99Ms, r.GeneratorLagP99Ms)
		out.LoadApplied += r.LoadApplied
		out.Partial = out.Partial || r.Partial
		out.RecordsDropped += r.RecordsDropped
	}
	return nil
}

// mergeStats adds the counts of one statistic of every report and merges
// their histograms; the figures are read from the merged histogram.
func (m *merger) mergeStats(name string, of func(i int) Stats) (Stats, error) {
	var sum probe.Stats
	h := probe.NewHistogram()
	for i, src := range m.srcs {
		s := of(i)
		sum.Count += s.Count
		sum.OK += s.OK
		sum.Errors += s.Errors
		for class, n := range s.ErrorsByClass {
			if sum.ErrorsByClass == nil {
				sum.ErrorsByClass = map[string]int{}
			}
			sum.ErrorsByClass[class] += n
		}
		part, err := decodeHistogram(s.Histogram)
		switch {
		case err != nil: // checked when read
			return Stats{}, fmt.Errorf("%w %s: its %s histogram: %v", ErrCannotMerge, src.Name, name, err)
		case part == nil && s.HasLatencies():
			return Stats{}, fmt.Errorf("%w %s: its %s statistic has no histogram (a report of an older blockprobe), so its percentiles cannot be merged exactly", ErrCannotMerge, src.Name, name)
		case part != nil:
			h.Merge(part)
		}
	}
	return newStats(sum.WithHistogram(nonEmpty(h))), nil
}

func nonEmpty(h *hdrhistogram.Histogram) *hdrhistogram.Histogram {
	if h.TotalCount() == 0 {
		return nil
	}
	return h
}

// stages merges the stages of the load, which the scenario check made the
// same for every report.
func (m *merger) stages(out *Report) error {
	first := m.srcs[0].Report
	for i, st := range first.Stages {
		for _, s := range m.srcs {
			if len(s.Report.Stages) != len(first.Stages) {
				return fmt.Errorf("%w %s and %s: %d stages measured vs %d", ErrCannotMerge, m.srcs[0].Name, s.Name, len(first.Stages), len(s.Report.Stages))
			}
		}
		stage := func(j int) *Stage { return &m.srcs[j].Report.Stages[i] }
		merged := Stage{Level: st.Level, Window: shift(st.Window, m.offset[0])}
		rows := []struct {
			name string
			dst  *Stats
			of   func(*Stage) Stats
		}{
			{"main.loaded", &merged.Endpoints.Main.Loaded, func(s *Stage) Stats { return s.Endpoints.Main.Loaded }},
			{"main.loaded_uncorrected", &merged.Endpoints.Main.LoadedUncorrected, func(s *Stage) Stats { return s.Endpoints.Main.LoadedUncorrected }},
			{"complex.loaded", &merged.Endpoints.Complex.Loaded, func(s *Stage) Stats { return s.Endpoints.Complex.Loaded }},
		}
		for _, row := range rows {
			stats, err := m.mergeStats(fmt.Sprintf("stage %d %s", i+1, row.name), func(j int) Stats { return row.of(stage(j)) })
			if err != nil {
				return err
			}
			*row.dst = stats
		}
		for j := range m.srcs {
			merged.LoadApplied += stage(j).LoadApplied
			merged.GeneratorLagP99Ms = max(merged.GeneratorLagP99Ms, stage(j).GeneratorLagP99Ms)
		}
		merged.Verdict = m.judge(out.Endpoints.Main.Baseline, merged.Endpoints.Main.Loaded, merged.Endpoints.Complex.Loaded,
			merged.GeneratorLagP99Ms, func(r *Report) Verdict { return r.Stages[i].Verdict })
		out.Stages = append(out.Stages, merged)
	}
	return nil
}

// judge applies the rule of a single run (probe.Judge, Verdict.Qualify) to
// merged figures. Stalled probes are added up from each report's verdict
// (of); the lateness of the generators is the worst shard's.
func (m *merger) judge(baseline, main, complex Stats, lagMs float64, of func(*Report) Verdict) Verdict {
	stalled := 0
	for _, s := range m.srcs {
		stalled += of(s.Report).Stalled
	}
	threshold := fromMillis(m.srcs[0].Report.Config.StarveThresholdMs)
	loaded, lag := probeStats(main), fromMillis(lagMs)
	// Each probe's latency counted from when it was launched is its
	// latency less its send lag: less the worst lag, at p99.
	fromFired := max(0, loaded.P99-lag)
	v := probe.Judge(probeStats(baseline), loaded, stalled, threshold).
		Qualify(probeStats(complex), loaded, lag, fromFired)
	return newVerdict(v)
}

// probeStats is s as the probe's rule reads it; its figures come from its
// histogram, checked when read.
func probeStats(s Stats) probe.Stats {
	h, _ := decodeHistogram(s.Histogram)
	return probe.Stats{Count: s.Count, OK: s.OK, Errors: s.Errors, ErrorsByClass: s.ErrorsByClass}.WithHistogram(h)
}

// timeline places every report's requests, load window and heartbeats on
// one axis, from the earliest start.
func (m *merger) timeline(out *Report) {
	out.Started = m.start
	out.Requests, out.LagSamples = nil, nil
	out.LoadWindow, out.ElapsedMs = Window{}, 0
	loops := 0
	for i, s := range m.srcs {
		r, off := s.Report, m.offset[i]
		w := shift(r.LoadWindow, off)
		if i == 0 || w.StartMs < out.LoadWindow.StartMs {
			out.LoadWindow.StartMs = w.StartMs
		}
		out.LoadWindow.EndMs = max(out.LoadWindow.EndMs, w.EndMs)
		out.ElapsedMs = max(out.ElapsedMs, off+r.ElapsedMs)
		for _, q := range r.Requests {
			if len(out.Requests) == probe.DefaultMaxRecords {
				out.RecordsDropped++
				continue
			}
			q.ScheduledMs, q.FiredMs, q.StartMs, q.EndMs = q.ScheduledMs+off, q.FiredMs+off, q.StartMs+off, q.EndMs+off
			q.Repeat = 0
			out.Requests = append(out.Requests, q)
		}
		if r.Loop != nil {
			loops++
			if out.Loop == nil || r.Loop.LagP99Ms > out.Loop.LagP99Ms {
				out.Loop, out.LagSamples = r.Loop, nil
				for _, l := range r.LagSamples {
					out.LagSamples = append(out.LagSamples, LagSample{AtMs: l.AtMs + off, LagMs: l.LagMs})
				}
			}
		}
	}
	sort.SliceStable(out.Requests, func(i, j int) bool { return out.Requests[i].EndMs < out.Requests[j].EndMs })
}

func shift(w Window, off float64) Window {
	return Window{StartMs: w.StartMs + off, EndMs: w.EndMs + off}
}

// notes are the merged report's: what it was made of, and the notes of
// its reports once each, but those that spoke of one shard alone.
func (m *merger) notes(missing []string) []string {
	what := fmt.Sprintf("merged from %d reports: counts added, histograms merged exactly, the verdict judged on the merged figures; generator lag is the worst report's", len(m.srcs))
	if s := configShard(m.srcs[0].Report.Config); s.Sharded() {
		what = fmt.Sprintf("merged from %d of %d shards: counts added, histograms merged exactly, the verdict judged on the merged figures; the baseline is shard %d/%d's; generator lag is the worst shard's",
			len(m.srcs), s.Count, probe.BaselineShard, s.Count)
	}
	notes := []string{what}
	if len(missing) > 0 {
		notes = append(notes, fmt.Sprintf("missing shards %s: their share of the load and of the probes is not in this report", strings.Join(missing, ", ")))
	}
	seen := map[string]bool{}
	for _, s := range m.srcs {
		own := map[string]bool{}
		for _, n := range shardNotes(s.Report) {
			own[n] = true
		}
		if line := LateLine(s.Report); line != "" {
			notes = append(notes, line)
		}
		for _, n := range s.Report.Notes {
			if !own[n] && !seen[n] && !strings.HasPrefix(n, "merged from ") {
				seen[n] = true
				notes = append(notes, n)
			}
		}
	}
	return notes
}
