package report

import (
	"io"
	"strings"

	"github.com/olekukonko/tablewriter/tw"
)

// What the renderers of documents built on reports (report/sweep) share
// with this package's own: the look of a table in text and in Markdown,
// escaping for Markdown, the verdict in a word and durations for prose.

// WriteTable writes a text table in the look of every blockprobe table;
// right says which columns hold numbers (aligned right).
func WriteTable(w io.Writer, right []bool, header []string, rows [][]string) error {
	aligns := make([]tw.Align, len(right))
	for i, r := range right {
		aligns[i] = tw.AlignLeft
		if r {
			aligns[i] = tw.AlignRight
		}
	}
	return renderTable(w, aligns, header, rows)
}

// WriteMarkdownTable writes a GitHub table whose cells are text, escaped.
func WriteMarkdownTable(b *strings.Builder, right []bool, header []string, rows [][]string) {
	writeMarkdownTable(b, header, right, rows)
}

// MarkdownText escapes text for Markdown and keeps it on one line.
func MarkdownText(s string) string { return mdText(s) }

// VerdictWord is a verdict in a word: "STARVED", "ok" or "inconclusive".
func VerdictWord(v VerdictJSON) string { return verdictWord(v) }

// ShortMs renders a duration in float milliseconds compactly for prose and
// settings: "0.42ms", "50ms", "5s", "4.96s".
func ShortMs(ms float64) string { return shortMs(ms) }

// VisibleWidth is the width of s on a terminal: its runes, less ANSI
// colour escapes.
func VisibleWidth(s string) int { return visibleLen(s) }

// LatencyCell shows a latency of s, or "-" when none of its requests was
// answered.
func LatencyCell(s StatsJSON, ms float64) string { return latencyCell(s, ms) }

// ScenarioLine describes the requests r sent, as the text report does.
func ScenarioLine(r *Report) string { return scenarioLine(r) }

// HeaderLine names r's target, mode and configuration, as the text report
// does.
func HeaderLine(r *Report) string { return headerLine(r) }
