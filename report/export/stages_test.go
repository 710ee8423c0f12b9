package export

import (
	"bytes"
	"testing"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

func TestStagesExported(t *testing.T) {
	runs := []*report.Report{fixture.Staged()}
	cases := []struct {
		golden string
		write  func(*bytes.Buffer) error
	}{
		{"markdown_stages.golden", func(b *bytes.Buffer) error { return WriteMarkdown(b, runs) }},
		{"csv_stages.golden", func(b *bytes.Buffer) error { return WriteCSV(b, runs) }},
		{"gobench_stages.golden", func(b *bytes.Buffer) error { return writeGobench(b, runs, "linux", "amd64") }},
	}
	for _, tc := range cases {
		t.Run(tc.golden, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.write(&buf); err != nil {
				t.Fatal(err)
			}
			fixture.Golden(t, tc.golden, buf.Bytes())
		})
	}
}
