package text

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

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

// TestTimelineWidth checks that every line fits the width asked for, and
// that colour is added only when asked for.
func TestTimelineWidth(t *testing.T) {
	for _, width := range []int{MinTimelineWidth, 80, 100, 160} {
		for _, color := range []bool{false, true} {
			var buf bytes.Buffer
			if err := WriteTimeline(&buf, fixture.Timeline(t, "blocking_starved"), width, color); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if got := strings.Contains(out, "\x1b["); got != color {
				t.Errorf("width %d, color %v: ANSI escapes present = %v", width, color, got)
			}
			for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
				if n := visibleLen(line); n > width {
					t.Errorf("width %d: line of %d columns: %q", width, n, line)
				}
				if !color && !utf8.ValidString(line) {
					t.Errorf("invalid UTF-8: %q", line)
				}
			}
		}
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
