package probe

import (
	"testing"
	"time"
)

// BenchmarkSummarize is the cost per record of aggregating a run: one HDR
// histogram recording plus the bookkeeping around it.
func BenchmarkSummarize(b *testing.B) {
	rs := make([]Record, 100_000)
	for i := range rs {
		rs[i] = rec(Main, Loaded, time.Duration(i%5000)*time.Microsecond, 200, ErrNone)
	}
	b.ReportAllocs()
	for b.Loop() {
		summarize(rs, selector(Main, Loaded), Record.Latency)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(rs)), "ns/record")
}

func BenchmarkConstantPacer(b *testing.B) {
	p := ConstantPacer{Rate: 10_000, Stop: time.Hour}
	var hits uint64
	for b.Loop() {
		if _, ok := p.Next(hits); !ok {
			hits = 0
		}
		hits++
	}
}
