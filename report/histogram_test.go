package report_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

// checkHistograms checks that every statistic of r carries its histogram,
// in the standard encoding, and that the histogram holds the statistic's
// figures: it is their one source.
func checkHistograms(t *testing.T, r *report.Report) {
	t.Helper()
	for _, row := range r.Rows() {
		s := row.Stats
		h, err := report.DecodeHistogram(s.Histogram)
		switch {
		case err != nil:
			t.Fatalf("%s.%s: %v", row.Endpoint, row.Phase, err)
		case !s.HasLatencies():
			if h != nil {
				t.Errorf("%s.%s: a histogram of %d latencies, but nothing was answered", row.Endpoint, row.Phase, h.TotalCount())
			}
			continue
		case !strings.HasPrefix(s.Histogram, "HISTFA"):
			t.Errorf("%s.%s: histogram %.20q, want the V2 compressed encoding (HISTFA...)", row.Endpoint, row.Phase, s.Histogram)
		}
		if got := h.TotalCount(); got != int64(s.Answered()) {
			t.Errorf("%s.%s: histogram of %d latencies, want the %d answered", row.Endpoint, row.Phase, got, s.Answered())
		}
		for q, want := range map[float64]float64{50: s.P50Ms, 90: s.P90Ms, 99: s.P99Ms} {
			if got := float64(h.ValueAtQuantile(q)) / 1000; got != want {
				t.Errorf("%s.%s: p%v of the histogram %vms, want the statistic's %vms", row.Endpoint, row.Phase, q, got, want)
			}
		}
	}
}

func TestReadRefusesBrokenHistograms(t *testing.T) {
	good := fixture.Report(t, "blocking_starved").Endpoints.Main.Loaded.Histogram
	tests := []struct {
		name, histogram string
		histograms      int // a document may hold; 0 for the default
		wantErr         error
		wantText        string
	}{
		{"as written", good, 0, nil, ""},
		{"none, as before histograms were kept", "", 0, nil, ""},
		{"not base64", "HISTFA!!", 0, report.ErrNotReport, "endpoints.main.loaded.histogram is not an HDR histogram"},
		{"cut short", good[:len(good)/2], 0, report.ErrNotReport, "not an HDR histogram"},
		{"too large", strings.Repeat("A", report.MaxHistogramBytes+1), 0, report.ErrTooLarge, "larger than the 256 KiB any run writes"},
		{"wider than blockprobe records", wideHistogram(t), 0, report.ErrNotReport, "values up to 1099511627776 at 4 significant digits"},
		{"more histograms than a document holds", good, 3,
			report.ErrTooLarge, "at most 3 histograms of one document"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := fixture.Report(t, "blocking_starved")
			r.Endpoints.Main.Loaded.Histogram = tc.histogram
			var err error
			if tc.histograms > 0 {
				_, err = report.ReadDocumentWithin(jsonOf(t, r), tc.histograms)
			} else {
				_, err = report.ReadDocument(jsonOf(t, r))
			}
			switch {
			case tc.wantErr == nil && err != nil:
				t.Fatalf("error %v, want none", err)
			case tc.wantErr != nil && !errors.Is(err, tc.wantErr):
				t.Fatalf("error %v, want one wrapping %v", err, tc.wantErr)
			case tc.wantErr != nil && !strings.Contains(err.Error(), tc.wantText):
				t.Errorf("error %q, want it to say %q", err, tc.wantText)
			}
		})
	}
}

// wideHistogram is a histogram of a geometry wider than any statistic's:
// decoding it would allocate every one of its buckets.
func wideHistogram(t *testing.T) string {
	t.Helper()
	h := hdrhistogram.New(1, 1<<40, 4)
	if err := h.RecordValue(1000); err != nil {
		t.Fatal(err)
	}
	return report.EncodeHistogram(h)
}

// --repeat merges the runs' histograms: the distribution of every request.
func TestAggregateMergesHistograms(t *testing.T) {
	one := fixture.Report(t, "async_not_starved")
	agg := report.Aggregate([]*report.Report{one, fixture.Report(t, "async_not_starved"), fixture.Report(t, "async_not_starved")})
	for _, row := range agg.Rows() {
		h, err := report.DecodeHistogram(row.Stats.Histogram)
		if err != nil || h == nil {
			t.Fatalf("%s.%s: histogram %v, %v", row.Endpoint, row.Phase, h, err)
		}
		if got, want := h.TotalCount(), int64(3*one.Stats(row.Endpoint, row.Phase).Answered()); got != want {
			t.Errorf("%s.%s: %d latencies, want every run's %d", row.Endpoint, row.Phase, got, want)
		}
	}
	without := fixture.Report(t, "async_not_starved")
	without.Endpoints.Main.Loaded.Histogram = ""
	if h := report.Aggregate([]*report.Report{one, without}).Endpoints.Main.Loaded.Histogram; h != "" {
		t.Errorf("merged a run without a histogram into %.20q: want none", h)
	}
}
