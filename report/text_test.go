package report

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestWriteTextGolden(t *testing.T) {
	for _, f := range fixtures() {
		t.Run(f.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteText(&buf, f.report()); err != nil {
				t.Fatalf("WriteText: %v", err)
			}
			checkGolden(t, f.name+".golden", buf.Bytes())
		})
	}
}

// TestWriteTextWidth keeps the text report readable on a terminal of about
// 100 columns.
func TestWriteTextWidth(t *testing.T) {
	const maxTableWidth = 100
	for _, f := range fixtures() {
		t.Run(f.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteText(&buf, f.report()); err != nil {
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
