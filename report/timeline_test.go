package report

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// withLagSamples gives r the heartbeats of a loop beating every 10ms that
// was blocked from blockStart to blockEnd (ms from the start of the run):
// one beat, when the block ends, reports the whole wait, as Node's
// monitorEventLoopDelay does. blockEnd 0 means never blocked.
func withLagSamples(r *Report, blockStart, blockEnd float64) *Report {
	span := spanMs(r)
	var samples []LagSample
	for at := 10.0; at <= span; at += 10 {
		if blockEnd > 0 && at > blockStart && at < blockEnd {
			continue
		}
		lag := 0.05 + float64(int(at)%7)*0.01
		if blockEnd > 0 && at >= blockEnd && at < blockEnd+10 {
			lag = blockEnd - blockStart
		}
		samples = append(samples, LagSample{AtMs: at, LagMs: lag})
	}
	r.LagSamples = samples
	return r
}

// timelineFixture is a fixture report with the loop's heartbeats: the
// blocking run's loop is stuck for the whole ComplexHandler request.
func timelineFixture(t *testing.T, name string) *Report {
	t.Helper()
	r := fixtureReport(t, name)
	switch name {
	case "blocking_starved", "blocking_partial":
		var c Request
		for _, q := range r.Requests {
			if q.Endpoint == EndpointComplex {
				c = q
			}
		}
		return withLagSamples(r, c.StartMs, c.EndMs)
	case "async_not_starved":
		return withLagSamples(r, 0, 0)
	}
	return r
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
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteTimeline(&buf, timelineFixture(t, tc.fixture), tc.width, tc.color); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "timeline_"+tc.name+".golden", buf.Bytes())
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
			tl := newTimeline(timelineFixture(t, tc.fixture), 100, false)
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
			if err := WriteTimeline(&buf, timelineFixture(t, "blocking_starved"), width, color); err != nil {
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
	if err := WriteTimeline(&buf, &Report{}, 100, false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "no requests") {
		t.Errorf("got %q", buf.String())
	}
}

func TestCompactMs(t *testing.T) {
	cases := []struct {
		ms   float64
		want string
	}{
		{4990.1, "4.99s"}, {991.74, "992ms"}, {12.54, "12.5ms"}, {1.254, "1.25ms"}, {0.42, "420µs"}, {999.9, "1.00s"},
	}
	for _, tc := range cases {
		if got := CompactMs(tc.ms); got != tc.want {
			t.Errorf("CompactMs(%v) = %q, want %q", tc.ms, got, tc.want)
		}
		if n := utf8.RuneCountInString(CompactMs(tc.ms)); n > 6 {
			t.Errorf("CompactMs(%v) is %d columns wide", tc.ms, n)
		}
	}
}

func TestNiceStep(t *testing.T) {
	cases := []struct{ raw, want float64 }{
		{0.7, 1}, {1, 1}, {1.2, 2}, {3, 5}, {7, 10}, {420, 500}, {1001, 2000}, {0, 1},
	}
	for _, tc := range cases {
		if got := niceStep(tc.raw); got != tc.want {
			t.Errorf("niceStep(%v) = %v, want %v", tc.raw, got, tc.want)
		}
	}
}

// A run interrupted long before its planned end is drawn as it happened:
// up to its last record, not to the end of the load it planned.
func TestTimelinesEndWhenTheRunDid(t *testing.T) {
	planned := fixtureReport(t, "blocking_partial")
	planned.LoadWindow.EndMs = planned.LoadWindow.StartMs + 1000*3600*1000 // --duration 1000h, Ctrl-C after 2s
	planned.Config.DurationMs = 1000 * 3600 * 1000
	tests := []struct {
		name   string
		render func(*Report) string
		want   string
		notIn  []string
	}{
		{"text timeline", func(r *Report) string {
			var b bytes.Buffer
			if err := WriteTimeline(&b, r, 100, false); err != nil {
				t.Fatal(err)
			}
			return b.String()
		}, "Timeline of the run: 4", []string{"1000h", "3600000s"}},
		{"html charts", func(r *Report) string { return renderHTML(t, []*Report{r}) },
			"load window: 9.15ms to 4.01s", []string{"0000s</text>"}}, // a tick of the planned hours
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := tc.render(planned)
			if !strings.Contains(out, tc.want) {
				t.Errorf("output lacks %q:\n%.2000s", tc.want, out)
			}
			for _, bad := range tc.notIn {
				if strings.Contains(out, bad) {
					t.Errorf("output spans the planned run (%q)", bad)
				}
			}
		})
	}
}
