package cmd

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/blockprobe/blockprobe/report"
)

// NewCmdMerge builds `blockprobe merge`: report, always merging.
func NewCmdMerge(streams IOStreams) *cobra.Command {
	o := &ReportOptions{IO: streams, merge: true}
	c := &cobra.Command{
		Use:   "merge FILE...",
		Short: "Merge the reports of a run's shards (or of one check run apart) into one report",
		Long: `Merge reads the JSON reports or results streams of the shards of one run
(run --shard I/N) or of one scenario run on several machines, and writes one
report in --format: counts added, histograms merged exactly (every
percentile is that of all the requests, not an average of percentiles), the
verdict judged on the merged figures, the requests of every report on one
time axis, and each report listed with its generator's lag and its start.

Reports of different scenarios (another mode, target, path, delay, rate,
threshold, ...) or the same shard twice are refused, with a line that names
the difference.

Exit codes: 0 done (and --expect met), 1 --expect not met, 2 a file cannot
be read or the reports cannot be merged; with --expect, 3 when the merged
run failed or could not be judged (a shard could not reach the target).`,
		Example: `  blockprobe merge shard-0.json shard-1.json shard-2.json
  blockprobe merge results/*.json --format markdown >> "$GITHUB_STEP_SUMMARY"
  blockprobe merge results/*.json --format json -o merged.json --expect not-starved`,
	}
	return o.command(c)
}

// readRuns reads the files a report or merge names: one file as it is (a
// comparison stays one), several, or any with merge set, merged into one
// run.
func readRuns(paths []string, errOut io.Writer, merge bool) (runs []*report.Report, comparison bool, err error) {
	if len(paths) == 1 && !merge {
		doc, err := readDocument(paths[0], errOut)
		if err != nil {
			return nil, false, err
		}
		return doc.Runs, doc.Comparison, nil
	}
	srcs := make([]report.Source, 0, len(paths))
	for _, p := range paths {
		doc, err := readDocument(p, errOut)
		if err != nil {
			return nil, false, err
		}
		if len(doc.Runs) != 1 {
			return nil, false, usageErrorf("%s holds %d runs (a comparison): merge takes reports of one run each", p, len(doc.Runs))
		}
		srcs = append(srcs, report.Source{Name: p, Report: doc.Runs[0]})
	}
	merged, err := report.Merge(srcs)
	if errors.Is(err, report.ErrCannotMerge) {
		return nil, false, usageErrorf("%v", err)
	}
	if err != nil {
		return nil, false, fmt.Errorf("merge: %w", err)
	}
	merged.Command = commandLine()
	return []*report.Report{merged}, false, nil
}
