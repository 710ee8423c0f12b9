package probe

import (
	"testing"
	"time"
)

// checkSchedule checks that p schedules requests at want, and no more.
func checkSchedule(t *testing.T, p Pacer, want []time.Duration) {
	t.Helper()
	var got []time.Duration
	for hits := uint64(0); hits < 1000; hits++ {
		due, ok := p.Next(hits)
		if !ok {
			break
		}
		got = append(got, due)
	}
	if len(got) != len(want) {
		t.Fatalf("schedule %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("request %d due at %v, want %v", i, got[i], want[i])
		}
	}
}

func TestConstantPacerSchedule(t *testing.T) {
	ms := time.Millisecond
	cases := []struct {
		name string
		p    ConstantPacer
		want []time.Duration
	}{
		{"20/s from 20ms to 400ms", ConstantPacer{Rate: 20, Start: 20 * ms, Stop: 400 * ms},
			[]time.Duration{20 * ms, 70 * ms, 120 * ms, 170 * ms, 220 * ms, 270 * ms, 320 * ms, 370 * ms}},
		{"stop is exclusive", ConstantPacer{Rate: 10, Start: 0, Stop: 300 * ms},
			[]time.Duration{0, 100 * ms, 200 * ms}},
		{"window shorter than one interval", ConstantPacer{Rate: 1, Start: 10 * ms, Stop: 500 * ms},
			[]time.Duration{10 * ms}},
		{"start after stop", ConstantPacer{Rate: 100, Start: time.Second, Stop: 500 * ms}, nil},
		{"zero rate sends nothing", ConstantPacer{Rate: 0, Stop: time.Second}, nil},
		// An interval beyond any Duration must not wrap round to a time
		// before Stop: that scheduled probes for ever.
		{"a rate too small for a Duration", ConstantPacer{Rate: 1e-300, Start: 5 * ms, Stop: time.Second},
			[]time.Duration{5 * ms}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkSchedule(t, tc.p, tc.want)
			if n := Planned(tc.p, 1000); n != len(tc.want) {
				t.Errorf("Planned = %d, want %d", n, len(tc.want))
			}
		})
	}
}

// The schedule is fixed in advance: asking for a late probe gives its
// original due time, never "now", so a generator that fell behind cannot
// move its probes to hide the stall, and no probe is skipped to catch up.
func TestConstantPacerDoesNotDriftOrSkip(t *testing.T) {
	p := ConstantPacer{Rate: 1000, Start: 0, Stop: time.Hour}
	for _, hits := range []uint64{0, 1, 999, 1000, 123456} {
		due, ok := p.Next(hits)
		want := time.Duration(hits) * time.Millisecond
		if !ok || due != want {
			t.Errorf("Next(%d) = %v, %v; want %v", hits, due, ok, want)
		}
	}
	if n := Planned(p, 5000); n != 5000 {
		t.Errorf("Planned capped at 5000 gave %d", n)
	}
}
