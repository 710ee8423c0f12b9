// Package export writes reports for other tools: Markdown for GitHub's
// pull requests and job summaries, CSV for spreadsheets and scripts, and Go
// benchmark lines for benchstat.
package export

import (
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/blockprobe/blockprobe/report"
)

// WriteMarkdown writes runs as GitHub-flavoured Markdown, to paste into a
// pull-request comment or append to $GITHUB_STEP_SUMMARY. One run gets its
// verdict in bold and its latency table; several runs get the side-by-side
// table of WriteCompareText and a verdict per run. The loop's figures and
// the warnings follow.
func WriteMarkdown(w io.Writer, runs []*report.Report) error {
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

// markdownStats are the columns of the Markdown latency table, narrower
// than the text report's to fit a pull-request comment.
var markdownStats = report.StatisticsNamed("count", "ok", "errors", "p50", "p90", "p99", "max")

func writeMarkdownRun(b *strings.Builder, r *report.Report) {
	lines := report.VerdictLines(r)
	fmt.Fprintf(b, "**%s**\n\n", mdText(lines[0]))
	for _, line := range lines[1:] {
		fmt.Fprintf(b, "%s\n\n", mdLine(line))
	}
	// A trailing backslash is a hard line break.
	fmt.Fprintf(b, "%s\\\n%s\n\n", mdLine(report.TargetLine(r)), mdLine(report.ScenarioLine(r)))
	header, right := []string{"endpoint", "phase"}, []bool{false, false}
	for _, st := range markdownStats {
		header, right = append(header, st.Name), append(right, true)
	}
	var rows [][]string
	for _, row := range report.TableRows(r) {
		rows = append(rows, row.Cells(markdownStats))
	}
	writeMarkdownTable(b, header, right, rows)
	writeMarkdownStages(b, r)
	writeMarkdownShards(b, r)
	if lines := report.LoopLines(r); len(lines) > 0 {
		fmt.Fprintf(b, "\n%s\n", strings.Join(mapStrings(lines, func(l string) string { return mdLine(strings.TrimSpace(l)) }), "\\\n"))
	}
	bullets := []string{"`-U`" + mdText(strings.TrimPrefix(report.UncorrectedNote, "-U"))}
	if line := report.LoadSentLine(r); line != "" {
		bullets = append(bullets, mdLine(line))
	}
	bullets = append(bullets, mapStrings(report.ErrorLines(r), mdLine)...)
	for _, w := range report.Warnings(r) {
		bullets = append(bullets, mdLine(w.String()))
	}
	writeMarkdownList(b, bullets)
}

func writeMarkdownRuns(b *strings.Builder, runs []*report.Report) {
	header, right, rows := report.CompareTable(runs, true)
	writeMarkdownTable(b, header, right, rows)
	verdicts := make([]string, len(runs))
	for i, r := range runs {
		verdicts[i] = fmt.Sprintf("**%s**: %s", mdText(r.Name()), mdText(strings.Join(report.VerdictLines(r), "; ")))
	}
	writeMarkdownList(b, verdicts)
	fmt.Fprintf(b, "\n%s\n", strings.Join(mapStrings(report.ScenarioLines(runs), mdLine), "\\\n"))
	more := append(report.RunsLoopLines(runs), report.MergedWarnings(runs)...)
	writeMarkdownList(b, mapStrings(more, mdLine))
	for _, r := range runs {
		if len(r.Stages) > 0 {
			fmt.Fprintf(b, "\n%s:\n", mdLine(r.Name()))
			writeMarkdownStages(b, r)
		}
	}
}

// writeMarkdownTable writes a table whose columns are right-aligned where
// right says so; the cells are text.
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
		writeMarkdownRow(b, mapStrings(row, mdText))
	}
}

func writeMarkdownRow(b *strings.Builder, cells []string) {
	b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
}

// writeMarkdownList writes items, Markdown, as a bulleted list after a
// blank line, nothing when there are none.
func writeMarkdownList(b *strings.Builder, items []string) {
	if len(items) == 0 {
		return
	}
	b.WriteString("\n")
	for _, it := range items {
		b.WriteString("- " + it + "\n")
	}
}

// mdEscaper escapes what Markdown (GitHub's) would read as markup inline:
// emphasis, code, links and images, table cells, strikethrough, maths and
// entities; mdTag, the start of an HTML tag or an autolink. A report's
// strings come from anywhere: a URL with "<img src=...>" in it must show
// as text, not fetch an image.
var (
	mdEscaper = strings.NewReplacer(`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`,
		`&`, `\&`, `|`, `\|`, `~`, `\~`, `$`, `\$`, "\r\n", " ", "\n", " ", "\r", " ")
	mdTag = regexp.MustCompile(`<([A-Za-z/!?])`)
)

// mdBlockStart matches what starts a block (a heading, a quote, a list
// item, a rule) at the beginning of a line.
var mdBlockStart = regexp.MustCompile(`^([#>+=-]|\d+[.)])`)

// mdText escapes text for Markdown and keeps it on one line, so that it
// cannot end the paragraph, list item or table cell it is in.
func mdText(s string) string {
	return mdTag.ReplaceAllString(mdEscaper.Replace(s), `\<$1`)
}

// mdLine is mdText for text that begins a line, which it must not turn
// into a heading, a quote or a list.
func mdLine(s string) string {
	s = strings.TrimLeft(mdText(s), " ")
	if m := mdBlockStart.FindString(s); m != "" {
		s = m[:len(m)-1] + `\` + s[len(m)-1:]
	}
	return s
}

func mapStrings(in []string, f func(string) string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = f(s)
	}
	return out
}

// writeMarkdownStages writes the table of r's stages and their verdicts;
// nothing without stages.
func writeMarkdownStages(b *strings.Builder, r *report.Report) {
	if len(r.Stages) == 0 {
		return
	}
	header, right, rows := report.StageTable(r)
	b.WriteString("\n**Stages** (sent: ComplexHandler requests per second)\n\n")
	writeMarkdownTable(b, header, right, rows)
	writeMarkdownList(b, mapStrings(report.StageVerdictLines(r), mdText))
}

// WriteMarkdownTable writes a GitHub table whose cells are text, escaped.
func WriteMarkdownTable(b *strings.Builder, right []bool, header []string, rows [][]string) {
	writeMarkdownTable(b, header, right, rows)
}

// MarkdownText escapes text for Markdown and keeps it on one line.
func MarkdownText(s string) string { return mdText(s) }
