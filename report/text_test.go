package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/report")

func TestWriteTextGolden(t *testing.T) {
	for _, f := range fixtures() {
		t.Run(f.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteText(&buf, f.report()); err != nil {
				t.Fatalf("WriteText: %v", err)
			}
			path := filepath.Join("..", "testdata", "report", f.name+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden file (run with -update to create it): %v", err)
			}
			if got := buf.String(); got != string(want) {
				t.Errorf("WriteText output differs from %s (run with -update to accept)\ngot:\n%s\nwant:\n%s", path, got, want)
			}
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
