package text

import (
	"bufio"
	"fmt"
	"io"

	"github.com/blockprobe/blockprobe/report"
)

// WriteDiff writes the changes of Diff for people: a table of each run's
// figures, old and new, with the change and a REGRESSION marker, then the
// runs found on one side only, and a summary line such as
// "2 regressions beyond 10% (and 1ms)".
func WriteDiff(w io.Writer, changes []report.Change, only []string) error {
	bw := bufio.NewWriter(w)
	if err := WriteTable(bw, report.DiffRightAligned, report.DiffHeader, report.DiffRows(changes)); err != nil {
		return fmt.Errorf("write diff: %w", err)
	}
	if line := report.DiffOnlyLine(only); line != "" {
		fmt.Fprintf(bw, "\n%s\n", line)
	}
	fmt.Fprintln(bw)
	fmt.Fprintln(bw, report.DiffSummary(changes))
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write diff: %w", err)
	}
	return nil
}
