package html

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

// The HTML report stays small and readable whatever the number of
// requests or runs: requests are aggregated per pixel, keeping the worst
// visible, and no size is negative or NaN.
func TestHTMLStaysSmall(t *testing.T) {
	big := fixture.Busy(20_000) // 4.7 MB of page when every request was drawn
	many := make([]*report.Report, 100)
	for i := range many {
		many[i] = fixture.Timeline(t, "async_not_starved")
		many[i].Label = "run" + strings.Repeat("x", i%3)
	}
	tests := []struct {
		name      string
		runs      []*report.Report
		maxBytes  int
		wantTexts []string
	}{
		{"20k requests", []*report.Report{big}, 1 << 20, []string{"latency 987.65ms"}},
		{"20k requests side by side", []*report.Report{big, fixture.Busy(10_000), fixture.Timeline(t, "blocking_starved")}, 1 << 20,
			[]string{"latency 987.65ms"}},
		{"100 runs", many, 8 << 20, nil},
	}
	size := regexp.MustCompile(`(?:width|height|x|y|r|cx|cy)="([^"]*)"`)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page := fixture.Written(t, WriteHTML, tc.runs)
			if len(page) > tc.maxBytes {
				t.Errorf("page of %d KB, want at most %d KB", len(page)>>10, tc.maxBytes>>10)
			}
			for _, m := range size.FindAllStringSubmatch(page, -1) {
				if strings.HasPrefix(m[1], "-") && strings.HasPrefix(m[0], "width") || strings.HasPrefix(m[0], "height") && strings.HasPrefix(m[1], "-") ||
					strings.Contains(m[1], "NaN") || strings.Contains(m[1], "Inf") {
					t.Fatalf("bad size %s", m[0])
				}
			}
			for _, want := range tc.wantTexts {
				if !strings.Contains(page, want) {
					t.Errorf("page lacks %q: the worst request is not drawn", want)
				}
			}
			t.Logf("%d runs: %d KB", len(tc.runs), len(page)>>10)
		})
	}
}

func TestWorstPerColumn(t *testing.T) {
	tests := []struct {
		name string
		in   []float64 // x of each item; its value is its index
		want []int
	}{
		{"apart", []float64{0, 4, 8}, []int{0, 1, 2}},
		{"one column keeps the worst", []float64{0, 0.5, 1.9, 4}, []int{2, 3}},
		{"in column order", []float64{9, 1, 5}, []int{1, 2, 0}},
		{"far off the chart", []float64{-1e300, 1e300}, []int{0, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			idx := make([]int, len(tc.in))
			for i := range idx {
				idx[i] = i
			}
			got := worstPerColumn(idx, columnPx, func(i int) float64 { return tc.in[i] }, func(a, b int) bool { return a > b })
			if !slices.Equal(got, tc.want) {
				t.Errorf("kept %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSimplify(t *testing.T) {
	tests := []struct {
		name     string
		in, want []point
	}{
		{"repeated", []point{{0, 0}, {0, 0}, {1, 1}}, []point{{0, 0}, {1, 1}}},
		{"vertical run", []point{{0, 0}, {0, 1}, {0, 2}, {1, 2}}, []point{{0, 0}, {0, 2}, {1, 2}}},
		{"horizontal run", []point{{0, 5}, {1, 5}, {2, 5}}, []point{{0, 5}, {2, 5}}},
		{"a peak stays", []point{{0, 0}, {0, 9}, {0, 2}}, []point{{0, 0}, {0, 9}, {0, 2}}},
		{"a diagonal stays", []point{{0, 0}, {1, 1}, {2, 2}}, []point{{0, 0}, {1, 1}, {2, 2}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := simplify(tc.in); !slices.Equal(got, tc.want) {
				t.Errorf("simplify(%v) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}
