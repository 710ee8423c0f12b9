package text

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

func TestWriteTextGolden(t *testing.T) {
	for _, f := range fixture.Runs() {
		t.Run(f.Name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteText(&buf, f.Report()); err != nil {
				t.Fatalf("WriteText: %v", err)
			}
			fixture.Golden(t, f.Name+".golden", buf.Bytes())
		})
	}
}

// TestWriteTextWidth keeps the text report readable on a terminal of about
// 100 columns.
func TestWriteTextWidth(t *testing.T) {
	const maxTableWidth = 100
	for _, f := range fixture.Runs() {
		t.Run(f.Name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteText(&buf, f.Report()); err != nil {
				t.Fatalf("WriteText: %v", err)
			}
			for _, line := range strings.Split(buf.String(), "\n") {
				// Prose lines may wrap; the table's must not.
				if strings.HasPrefix(line, "MainHandler ") || strings.HasPrefix(line, "ComplexHandler ") ||
					strings.HasPrefix(line, "ENDPOINT") {
					if n := utf8.RuneCountInString(line); n > maxTableWidth {
						t.Errorf("table line is %d columns wide, want <= %d: %q", n, maxTableWidth, line)
					}
				}
			}
		})
	}
}
