package export

import (
	"fmt"
	"strings"

	"github.com/blockprobe/blockprobe/report"
)

// writeMarkdownShards lists the reports a merged report was made of.
func writeMarkdownShards(b *strings.Builder, r *report.Report) {
	header, right, rows := report.ShardTable(r)
	if header == nil {
		return
	}
	fmt.Fprintf(b, "\n%s\n\n", mdText(report.ShardTitle))
	for _, row := range rows {
		row[1] = mdText(row[1])
	}
	writeMarkdownTable(b, header, right, rows)
}
