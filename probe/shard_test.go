package probe

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blockprobe/blockprobe/target"
)

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Shard
		bad  string // in the error, when it is one
	}{
		{in: "0/3", want: Shard{0, 3}},
		{in: " 2/3 ", want: Shard{2, 3}},
		{in: "0/1", want: Shard{0, 1}},
		{in: "3/3", bad: "from 0 to 2"},
		{in: "-1/3", bad: "from 0 to 2"},
		{in: "0/0", bad: "from 1 to 1000"},
		{in: "1/1001", bad: "from 1 to 1000"},
		{in: "1", bad: "want I/N"},
		{in: "a/3", bad: "want I/N"},
		{in: "1/3/4", bad: "want I/N"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseShard(tc.in)
			switch {
			case tc.bad == "" && (err != nil || got != tc.want):
				t.Errorf("ParseShard(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			case tc.bad != "" && (err == nil || !strings.Contains(err.Error(), tc.bad)):
				t.Errorf("ParseShard(%q) error %v, want one saying %q", tc.in, err, tc.bad)
			}
		})
	}
}

func TestShardsShareTheWorkersExactly(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7} {
		for _, level := range []float64{0, 1, 2, 5, 10, 31} {
			sum := 0.0
			for i := range n {
				part := Shard{i, n}.share(level)
				if part < float64(int(level)/n) || part > float64(int(level)/n+1) {
					t.Errorf("shard %d/%d of %g workers gets %g: not an even share", i, n, level, part)
				}
				sum += part
			}
			if sum != level {
				t.Errorf("%d shards of %g workers run %g in all", n, level, sum)
			}
		}
	}
}

// TestShardPacersInterleave checks that the shards' probe streams are
// together the one evenly spaced stream, each probe sent by one shard.
func TestShardPacersInterleave(t *testing.T) {
	whole := ConstantPacer{Rate: 30, Start: 20 * time.Millisecond, Stop: 2 * time.Second}
	var want []time.Duration
	for h := uint64(0); ; h++ {
		due, ok := whole.Next(h)
		if !ok {
			break
		}
		want = append(want, due)
	}
	var got []time.Duration
	for i := range 3 {
		p := Shard{i, 3}.pacer(whole)
		n := 0
		for h := uint64(0); ; h++ {
			due, ok := p.Next(h)
			if !ok {
				break
			}
			if h > 0 {
				prev, _ := p.Next(h - 1)
				if gap := due - prev; gap < 99*time.Millisecond || gap > 101*time.Millisecond {
					t.Errorf("shard %d: probes %v apart, want 100ms (3 shards at 30/s)", i, gap)
				}
			}
			got = append(got, due)
			n++
		}
		if n < 19 || n > 20 {
			t.Errorf("shard %d sends %d of the %d probes, want a third", i, n, len(want))
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("the shards' probes together are not the whole stream:\n got %v\nwant %v", got, want)
	}
}

func TestSkipDue(t *testing.T) {
	p := ConstantPacer{Rate: 10, Start: 0, Stop: time.Second}
	for _, tc := range []struct {
		offset time.Duration
		first  time.Duration
		n      int
	}{
		{0, 0, 10},
		{-time.Second, 0, 10},
		{250 * time.Millisecond, 300 * time.Millisecond, 7},
		{300 * time.Millisecond, 300 * time.Millisecond, 7},
		{2 * time.Second, 0, 0},
	} {
		s := skipDue(p, tc.offset)
		if n := Planned(s, 100); n != tc.n {
			t.Errorf("skipDue(%v): %d probes left, want %d", tc.offset, n, tc.n)
		}
		if due, ok := s.Next(0); tc.n > 0 && (!ok || due != tc.first) {
			t.Errorf("skipDue(%v): first due at %v, want %v", tc.offset, due, tc.first)
		}
	}
}

func TestValidateShard(t *testing.T) {
	now := time.Now()
	base := Options{MainURL: "http://127.0.0.1/", ComplexURL: "http://127.0.0.1/c", Concurrency: 1, Duration: 2 * time.Second, Rate: 20}
	for _, tc := range []struct {
		name    string
		shard   Shard
		startAt time.Time
		bad     string // the option named, when invalid
	}{
		{name: "whole run", shard: Shard{}},
		{name: "a shard", shard: Shard{2, 3}},
		{name: "index past the count", shard: Shard{3, 3}, bad: "shard"},
		{name: "no count", shard: Shard{1, 0}, bad: "shard"},
		{name: "start in a minute", startAt: now.Add(time.Minute)},
		{name: "start a second ago: a late shard still joins", startAt: now.Add(-time.Second)},
		{name: "window already over", startAt: now.Add(-time.Minute), bad: "start-at"},
		{name: "start in two days", startAt: now.Add(48 * time.Hour), bad: "start-at"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := base
			o.Shard, o.StartAt = tc.shard, tc.startAt
			err := o.Validate()
			var oe *OptionError
			switch {
			case tc.bad == "" && err != nil:
				t.Errorf("Validate: %v, want nil", err)
			case tc.bad != "" && (!errors.As(err, &oe) || oe.Name != tc.bad || !errors.Is(err, ErrInvalid)):
				t.Errorf("Validate: %v, want an OptionError naming %s", err, tc.bad)
			}
		})
	}
}

// TestShardRunStartsAtStartAt runs two shards of one scenario, one on
// time and one that arrives after --start-at, against the embedded target.
func TestShardRunStartsAtStartAt(t *testing.T) {
	base := startTarget(t, target.Config{Mode: target.Async, ComplexDelay: 100 * time.Millisecond})
	o := options(base, 600*time.Millisecond)
	o.Rate, o.Concurrency = 20, 1

	t.Run("on time", func(t *testing.T) {
		o := o
		o.Shard, o.StartAt = Shard{1, 2}, time.Now().Add(400*time.Millisecond)
		res, err := Run(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		began := res.Started.Add(res.LoadStart)
		if d := began.Sub(o.StartAt); d < -time.Millisecond || d > time.Millisecond {
			t.Errorf("load window began %v from --start-at, want at it", d)
		}
		if res.StartLate != 0 {
			t.Errorf("StartLate %v for a shard on time", res.StartLate)
		}
		// Shard 1 of 2 runs no baseline and, of one worker, none: its
		// probes are the odd ones of 20/s, 100ms apart.
		if res.MainBaseline.Count != 0 || res.ComplexLoaded.Count != 0 {
			t.Errorf("shard 1/2 sent %d baseline and %d ComplexHandler requests, want none", res.MainBaseline.Count, res.ComplexLoaded.Count)
		}
		if n := res.MainLoaded.Count; n < 5 || n > 6 {
			t.Errorf("shard 1/2 sent %d probes, want 6 (the odd ones of 12)", n)
		}
		if !res.Verdict.Conclusive {
			t.Errorf("shard without load of its own judged inconclusive: %s", res.Verdict.Reason)
		}
	})
	t.Run("late", func(t *testing.T) {
		o := o
		o.Shard, o.StartAt = Shard{0, 2}, time.Now().Add(-300*time.Millisecond)
		res, err := Run(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		if res.StartLate < 300*time.Millisecond || res.StartLate > 2*time.Second {
			t.Errorf("StartLate %v, want a little over 300ms", res.StartLate)
		}
		for _, r := range res.Records {
			if r.Endpoint == Main && r.Phase == Loaded && r.Scheduled < res.LoadStart+res.StartLate {
				t.Errorf("a late shard sent a probe due %v into the window, before it arrived (%v late)", r.Scheduled-res.LoadStart, res.StartLate)
			}
		}
		if res.MainBaseline.Count != 10 || res.ComplexLoaded.Count == 0 {
			t.Errorf("shard 0/2 sent %d baseline and %d ComplexHandler requests, want 10 and some", res.MainBaseline.Count, res.ComplexLoaded.Count)
		}
	})
}

// A --start-at years off is told in years, not in hours to the millisecond.
func TestStartAtFarOffReadsAtAGlance(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	o := Options{Duration: 2 * time.Second}
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{now.AddDate(-7, 0, 0), "ended 7 years ago"},
		{now.Add(-time.Minute), "ended 58s ago"},
		{now.AddDate(0, 0, 3), "is 3 days ahead"},
	} {
		o.StartAt = tc.at
		if err := o.validateShard(now); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("start-at %s: %v, want it to say %q", tc.at, err, tc.want)
		}
	}
}
