package html

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/blockprobe/blockprobe/report"
)

// latencyHTMLTable holds the figures of the text report's table.
func latencyHTMLTable(r *report.Report) htmlTable {
	t := htmlTable{Header: [][]string{{"endpoint"}, {"phase"}}, Right: []bool{false, false}}
	for _, st := range report.Statistics {
		t.Header, t.Right = append(t.Header, []string{st.Name}), append(t.Right, true)
	}
	for _, row := range report.TableRows(r) {
		t.Rows = append(t.Rows, row.Cells(report.Statistics))
	}
	return t
}

// compareHTMLTable is the side-by-side table of compare.
func compareHTMLTable(runs []*report.Report) *htmlTable {
	return newHTMLTable(report.CompareTable(runs, false))
}

// newHTMLTable is a table of the book's (report.CompareTable,
// report.StallTable, ...): its header in lower case, a line of the header
// per line of a head.
func newHTMLTable(header []string, right []bool, rows [][]string) *htmlTable {
	t := &htmlTable{Right: right, Rows: rows}
	for _, head := range header {
		t.Header = append(t.Header, strings.Split(strings.TrimPrefix(strings.ToLower(head), "\n"), "\n"))
	}
	return t
}

// shardHTMLTable lists the reports a merged report was made of, with each
// shard's counts, start offset and generator lag; nil for a single report.
func shardHTMLTable(r *report.Report) *htmlTable {
	header, right, rows := report.ShardTable(r)
	if header == nil {
		return nil
	}
	t := newHTMLTable(header, right, rows)
	t.Caption = report.ShardTitle
	return t
}

// configRows lists what the run was made with.
func configRows(r *report.Report) [][2]string {
	c := r.Config
	rows := [][2]string{{"target", r.Target}, {"mode", r.Mode}}
	if r.Target == report.TargetEmbedded {
		rows = append(rows, [2]string{"complex delay", report.ShortMs(c.ComplexDelayMs)}, [2]string{"work", c.Work})
		if r.Mode == report.ModePooled {
			rows = append(rows, [2]string{"pool", strconv.Itoa(c.Pool) + " workers"})
		}
		rows = append(rows, [2]string{"GIL", c.GILState()})
	}
	rows = append(rows,
		[2]string{"concurrency", strconv.Itoa(c.Concurrency)},
		[2]string{"rate", strconv.FormatFloat(c.Rate, 'g', -1, 64) + "/s"},
		[2]string{"baseline", strconv.Itoa(c.Baseline) + " requests"},
		[2]string{"duration", report.ShortMs(c.DurationMs)},
		[2]string{"timeout", report.ShortMs(c.TimeoutMs)},
		[2]string{"starve threshold", report.ShortMs(c.StarveThresholdMs)},
		[2]string{"MainHandler path", c.MainPath},
		[2]string{"ComplexHandler path", c.ComplexPath},
		[2]string{"started", r.Started.Format(report.DateFormat)},
		[2]string{"took", report.ShortMs(r.ElapsedMs)})
	if r.Repeat != nil {
		rows = append(rows, [2]string{"repeat", fmt.Sprintf("%d runs (timelines show the first; percentiles, all)", r.Repeat.N)})
	}
	return rows
}
