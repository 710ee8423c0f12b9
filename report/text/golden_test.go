package text

import (
	"bytes"
	"testing"

	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

// The text formats against their golden files, testdata/report/*.golden.

func TestWriteTextGolden(t *testing.T) { fixture.GoldenRuns(t, "", WriteText) }

func TestExplanationGolden(t *testing.T) { fixture.GoldenRuns(t, "explain_", WriteExplanation) }

func TestWriteCompareTextGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCompareText(&buf, fixture.Compare(t)); err != nil {
		t.Fatalf("WriteCompareText: %v", err)
	}
	fixture.Golden(t, "compare.golden", buf.Bytes())
}

func TestTimelineGolden(t *testing.T) {
	cases := []struct {
		name, fixture string
		width         int
		color         bool
	}{
		{"blocking", "blocking_starved", 100, false},
		{"blocking_color", "blocking_starved", 100, true},
		{"blocking_narrow", "blocking_starved", 60, false},
		{"async", "async_not_starved", 100, false},
		{"external_errors", "external_errors", 100, false},
		{"partial", "blocking_partial", 100, false},
		{"external_agent", "external_agent", 100, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteTimeline(&buf, fixture.Timeline(t, tc.fixture), tc.width, tc.color); err != nil {
				t.Fatal(err)
			}
			fixture.Golden(t, "timeline_"+tc.name+".golden", buf.Bytes())
		})
	}
}
