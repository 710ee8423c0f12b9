package html

import (
	"testing"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

// The percentile chart draws the histograms, so it covers every request
// whatever --max-records kept of them; a report without histograms draws
// the requests it holds.
func TestPercentilesFromHistograms(t *testing.T) {
	cut := fixture.Report(t, "blocking_starved")
	cut.Requests = cut.Requests[:10] // --max-records 10
	old := fixture.Report(t, "blocking_starved")
	for _, row := range old.Rows() {
		row.Stats.Histogram = ""
	}
	old.Requests = old.Requests[:30] // the baseline and the complex request
	tests := []struct {
		name string
		r    *report.Report
		want map[string]int64
	}{
		{"every request, from the histograms", cut, map[string]int64{
			"MainHandler baseline": 20, "MainHandler loaded -U": 100, "MainHandler loaded": 100, "ComplexHandler loaded": 1}},
		{"the requests kept, without histograms", old, map[string]int64{
			"MainHandler baseline": 20, "MainHandler loaded -U": 9, "MainHandler loaded": 9, "ComplexHandler loaded": 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string]int64{}
			for _, ps := range percentileSeries(tc.r) {
				got[ps.name] = ps.n
			}
			for name, n := range tc.want {
				if got[name] != n {
					t.Errorf("%s: %d requests, want %d", name, got[name], n)
				}
			}
		})
	}
}
