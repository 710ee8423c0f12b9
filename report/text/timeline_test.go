package text

import (
	"bytes"
	"strings"
	"testing"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

// TestTimelineShowsRamp checks the picture, not the bytes: in blocking mode
// the latency chart is high on the left and low on the right (the falling
// ramp); in async mode it stays flat on the floor.
func TestTimelineShowsRamp(t *testing.T) {
	cases := []struct {
		name, fixture string
		ramp          bool
	}{
		{"blocking falls", "blocking_starved", true},
		{"async is flat", "async_not_starved", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tl := newTimeline(fixture.Timeline(t, tc.fixture), 100, false)
			chart := tl.mainChart()[1:] // under the title
			top, bottom := chart[0], chart[len(chart)-1]
			plot := func(line string) string {
				r := []rune(line)
				if len(r) <= timelineLabelWidth {
					return ""
				}
				return string(r[timelineLabelWidth:])
			}
			if !strings.Contains(top, " ms") {
				t.Errorf("the y axis is not labelled in ms: %q", top)
			}
			drawn := func(line string) bool { return strings.ContainsAny(plot(line), "─╮╯╭╰│") }
			if got := drawn(top); got != tc.ramp {
				t.Errorf("latencies in the top row = %v, want %v:\n%s", got, tc.ramp, strings.Join(chart, "\n"))
			}
			if tc.ramp {
				first := strings.IndexFunc(plot(top), func(r rune) bool { return r != ' ' })
				last := strings.LastIndexFunc(plot(bottom), func(r rune) bool { return r != ' ' })
				if first > len(plot(top))/4 || last < first {
					t.Errorf("no falling ramp: the top row starts at %d, the floor ends at %d", first, last)
				}
				return
			}
			for _, line := range chart[1 : len(chart)-1] {
				if drawn(line) {
					t.Errorf("latencies above the floor:\n%s", strings.Join(chart, "\n"))
				}
			}
			if !strings.Contains(top, "╌") {
				t.Errorf("no starvation limit drawn at the top:\n%s", strings.Join(chart, "\n"))
			}
		})
	}
}

func TestTimelineEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTimeline(&buf, &report.Report{}, 100, false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "no requests") {
		t.Errorf("got %q", buf.String())
	}
}
