package text

import (
	"fmt"
	"io"

	"github.com/blockprobe/blockprobe/report"
)

// writeShardsText lists the reports a merged report was made of.
func writeShardsText(w io.Writer, r *report.Report) error {
	header, right, rows := report.ShardTable(r)
	if header == nil {
		return nil
	}
	fmt.Fprintf(w, "\n%s\n", report.ShardTitle)
	return WriteTable(w, right, header, rows)
}
