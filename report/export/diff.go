package export

import (
	"fmt"
	"io"
	"strings"

	"github.com/blockprobe/blockprobe/report"
)

// WriteDiffMarkdown writes the changes of Diff as GitHub Markdown, for a
// job summary or a pull-request comment: the summary in bold, the runs
// found on one side only, and the table of figures.
func WriteDiffMarkdown(w io.Writer, changes []report.Change, only []string) error {
	var b strings.Builder
	b.WriteString("### blockprobe diff\n\n")
	fmt.Fprintf(&b, "**%s**\n\n", mdText(report.DiffSummary(changes)))
	if line := report.DiffOnlyLine(only); line != "" {
		fmt.Fprintf(&b, "%s\n\n", mdLine(line))
	}
	if rows := report.DiffRows(changes); len(rows) > 0 {
		writeMarkdownTable(&b, report.DiffHeader, report.DiffRightAligned, rows)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write Markdown diff: %w", err)
	}
	return nil
}
