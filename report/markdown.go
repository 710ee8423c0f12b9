package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteMarkdown writes runs as GitHub-flavoured Markdown, to paste into a
// pull-request comment or append to $GITHUB_STEP_SUMMARY. One run gets its
// verdict in bold and its latency table; several runs get the side-by-side
// table of WriteCompareText and a verdict per run. The loop's figures and
// the warnings follow.
func WriteMarkdown(w io.Writer, runs []*Report) error {
	var b strings.Builder
	b.WriteString("### blockprobe\n\n")
	switch len(runs) {
	case 0:
		b.WriteString("No runs.\n")
	case 1:
		writeMarkdownRun(&b, runs[0])
	default:
		writeMarkdownRuns(&b, runs)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write Markdown report: %w", err)
	}
	return nil
}

func writeMarkdownRun(b *strings.Builder, r *Report) {
	fmt.Fprintf(b, "**%s**\n\n", mdText(VerdictLine(r.Verdict)))
	// A trailing backslash is a hard line break.
	fmt.Fprintf(b, "%s\\\n%s\n\n", mdText(headerLine(r)), mdText(scenarioLine(r)))
	header := []string{"endpoint", "phase", "count", "ok", "errors", "p50", "p90", "p99", "max"}
	right := []bool{false, false, true, true, true, true, true, true, true}
	var rows [][]string
	for _, row := range tableRows(r) {
		s := row.stats
		rows = append(rows, []string{row.endpoint, row.phase, strconv.Itoa(s.Count), strconv.Itoa(s.OK),
			strconv.Itoa(s.Errors), latencyCell(s, s.P50Ms), latencyCell(s, s.P90Ms), latencyCell(s, s.P99Ms),
			latencyCell(s, s.MaxMs)})
	}
	writeMarkdownTable(b, header, right, rows)
	if r.Loop != nil {
		fmt.Fprintf(b, "\n%s\n", mdText(LoopLine(r.Loop)))
	}
	bullets := []string{"`-U`" + strings.TrimPrefix(uncorrectedNote, "-U")}
	bullets = append(bullets, errorLines(r)...)
	for _, w := range warnings(r) {
		bullets = append(bullets, w.String())
	}
	writeMarkdownList(b, bullets)
}

func writeMarkdownRuns(b *strings.Builder, runs []*Report) {
	header := make([]string, len(compareColumns))
	right := make([]bool, len(compareColumns))
	for i, c := range compareColumns {
		header[i], right[i] = c.md, c.right
	}
	rows := make([][]string, len(runs))
	for i, r := range runs {
		rows[i] = compareRow(r)
	}
	writeMarkdownTable(b, header, right, rows)
	verdicts := make([]string, len(runs))
	for i, r := range runs {
		verdicts[i] = fmt.Sprintf("**%s**: %s", mdCell(r.Name()), VerdictLine(r.Verdict))
	}
	writeMarkdownList(b, verdicts)
	fmt.Fprintf(b, "\n%s\n", strings.Join(mapStrings(scenarioLines(runs), mdText), "\\\n"))
	var more []string
	for _, r := range runs {
		if r.Loop != nil {
			more = append(more, r.Name()+": "+LoopLine(r.Loop))
		}
	}
	writeMarkdownList(b, append(more, mergedWarnings(runs)...))
}

// writeMarkdownTable writes a table whose columns are right-aligned where
// right says so.
func writeMarkdownTable(b *strings.Builder, header []string, right []bool, rows [][]string) {
	writeMarkdownRow(b, header)
	sep := make([]string, len(header))
	for i := range sep {
		sep[i] = "---"
		if right[i] {
			sep[i] = "---:"
		}
	}
	writeMarkdownRow(b, sep)
	for _, row := range rows {
		writeMarkdownRow(b, mapStrings(row, mdCell))
	}
}

func writeMarkdownRow(b *strings.Builder, cells []string) {
	b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
}

// writeMarkdownList writes items as a bulleted list after a blank line,
// nothing when there are none.
func writeMarkdownList(b *strings.Builder, items []string) {
	if len(items) == 0 {
		return
	}
	b.WriteString("\n")
	for _, it := range items {
		b.WriteString("- " + mdText(it) + "\n")
	}
}

// mdCell escapes s for a table cell: a "|" would end the cell, and a line
// break the row.
func mdCell(s string) string {
	return mdText(strings.NewReplacer(`\`, `\\`, `|`, `\|`).Replace(s))
}

// mdText keeps s on one line, so that it cannot end the paragraph, list
// item or table row it is in.
func mdText(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

func mapStrings(in []string, f func(string) string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = f(s)
	}
	return out
}
