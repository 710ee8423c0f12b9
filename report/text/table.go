package text

import (
	"bytes"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// WriteTable writes a table in the look of every blockprobe table in a
// terminal: the header in capitals, no borders, two blanks between columns
// and none at either end of a line, a dashed line under the header. right
// says which columns hold numbers (aligned right). A header cell may hold
// two lines ("IDLE\nP50"); a leading "\n" puts a one-line header on the
// last header line, next to the numbers.
func WriteTable(w io.Writer, right []bool, header []string, rows [][]string) error {
	aligns := make([]tw.Align, len(right))
	upper := make([]string, len(header))
	for i := range right {
		aligns[i] = tw.AlignLeft
		if right[i] {
			aligns[i] = tw.AlignRight
		}
	}
	for i, h := range header {
		upper[i] = strings.ToUpper(h)
	}
	var buf bytes.Buffer
	table := newTable(&buf, aligns)
	table.Header(upper)
	if err := table.Bulk(rows); err != nil {
		return err
	}
	if err := table.Render(); err != nil {
		return err
	}
	// A left-aligned last column is padded to its width; drop the blanks.
	var out strings.Builder
	for _, line := range strings.SplitAfter(buf.String(), "\n") {
		body, nl := strings.CutSuffix(line, "\n")
		out.WriteString(strings.TrimRight(body, " "))
		if nl {
			out.WriteByte('\n')
		}
	}
	_, err := io.WriteString(w, out.String())
	return err
}

func newTable(w io.Writer, aligns []tw.Align) *tablewriter.Table {
	// The padding strings are fill characters, so each must be a single one.
	first, mid, last := tw.Padding{Right: " ", Overwrite: true}, tw.PaddingDefault, tw.Padding{Left: " ", Overwrite: true}
	padding := make([]tw.Padding, len(aligns))
	for i := range padding {
		switch i {
		case 0:
			padding[i] = first
		case len(aligns) - 1:
			padding[i] = last
		default:
			padding[i] = mid
		}
	}
	return tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Symbols: tw.NewSymbols(tw.StyleASCII),
			Settings: tw.Settings{
				Separators: tw.Separators{BetweenColumns: tw.Off, BetweenRows: tw.Off},
				Lines:      tw.Lines{ShowHeaderLine: tw.On},
			},
		})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		// Trimming would drop the leading "\n" of a one-line header.
		tablewriter.WithTrimSpace(tw.Off),
		tablewriter.WithTrimLine(tw.Off),
		tablewriter.WithHeaderPaddingPerColumn(padding),
		tablewriter.WithRowPaddingPerColumn(padding),
		tablewriter.WithAlignment(tw.Alignment(aligns)),
	)
}
