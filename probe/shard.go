package probe

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dustin/go-humanize"
)

// Shard makes a run one of Count generators of the same scenario, so that
// together they send what one process would: shard Index (from zero) runs
// its share of the ComplexHandler workers (worker k belongs to shard k mod
// Count) or of the open-loop load, and of the probe stream (probe j belongs
// to shard j mod Count), so the shards' probes interleave into the one
// evenly spaced stream Options.Rate describes. Only shard 0 runs the
// baseline: the target must be idle for it, and one baseline is what a
// single process measures. The zero Shard, or a Count of one, is a whole
// run.
type Shard struct{ Index, Count int }

// MaxShards bounds Shard.Count: more generators than this are a fleet to
// coordinate by other means.
const MaxShards = 1000

// BaselineShard is the shard that runs the baseline.
const BaselineShard = 0

// Sharded says whether s splits the run.
func (s Shard) Sharded() bool { return s.Count > 1 }

// String writes s as --shard takes it, "1/3"; "" for a whole run.
func (s Shard) String() string {
	if s.Count == 0 {
		return ""
	}
	return strconv.Itoa(s.Index) + "/" + strconv.Itoa(s.Count)
}

// ParseShard reads "I/N", as --shard and a report's config write it.
func ParseShard(v string) (Shard, error) {
	i, n, ok := strings.Cut(strings.TrimSpace(v), "/")
	index, errI := strconv.Atoi(i)
	count, errN := strconv.Atoi(n)
	if !ok || errI != nil || errN != nil {
		return Shard{}, fmt.Errorf("%q: want I/N, such as 0/3 (shard I of N, from 0)", v)
	}
	s := Shard{Index: index, Count: count}
	if count == 0 { // s would print as no shard at all
		return Shard{}, fmt.Errorf("%s/%s: the number of shards must be from 1 to %d, got 0", i, n, MaxShards)
	}
	return s, s.check()
}

// check reports what makes s no shard of a run.
func (s Shard) check() error {
	switch {
	case s.Count == 0 && s.Index == 0:
		return nil
	case s.Count < 1 || s.Count > MaxShards:
		return fmt.Errorf("%s: the number of shards must be from 1 to %d, got %d", s, MaxShards, s.Count)
	case s.Index < 0 || s.Index >= s.Count:
		return fmt.Errorf("%s: the shard must be from 0 to %d (N-1), got %d", s, s.Count-1, s.Index)
	}
	return nil
}

// share is this shard's part of level workers: worker k belongs to shard
// k mod Count, so the shards' parts add up to level.
func (s Shard) share(level float64) float64 {
	if !s.Sharded() {
		return level
	}
	n := int(level)
	part := n / s.Count
	if s.Index < n%s.Count {
		part++
	}
	return float64(part)
}

// pacer is this shard's part of p's schedule: hits j*Count+Index.
func (s Shard) pacer(p Pacer) Pacer {
	if !s.Sharded() {
		return p
	}
	return shardPacer{p: p, s: s}
}

type shardPacer struct {
	p Pacer
	s Shard
}

// Next implements Pacer.
func (sp shardPacer) Next(hits uint64) (time.Duration, bool) {
	return sp.p.Next(hits*uint64(sp.s.Count) + uint64(sp.s.Index))
}

// maxStartAhead bounds how far ahead Options.StartAt may lie: further, it
// is more likely a wrong date or time zone than a plan.
const maxStartAhead = 24 * time.Hour

// validateShard checks the shard and StartAt against now.
func (o Options) validateShard(now time.Time) error {
	if err := o.Shard.check(); err != nil {
		return bad("shard", "%v", err)
	}
	if o.StartAt.IsZero() {
		return nil
	}
	at := o.StartAt.UTC().Format(time.RFC3339Nano)
	switch end := o.StartAt.Add(o.window()); {
	case !end.After(now):
		return bad("start-at", "%s is past: the load window it starts ended %s", at, howLong(end, now, "ago"))
	case o.StartAt.Sub(now) > maxStartAhead:
		return bad("start-at", "%s is %s, more than %s: check the date and time zone", at, howLong(o.StartAt, now, "ahead"), maxStartAhead)
	}
	return nil
}

// howLong says how far t is from now, in words a person reads at a glance:
// to the millisecond within a day, in days or years beyond ("3 years ago",
// not "26298h0m0s ago").
func howLong(t, now time.Time, label string) string {
	if d := t.Sub(now).Abs(); d <= maxStartAhead {
		return d.Round(time.Millisecond).String() + " " + label
	}
	return humanize.RelTime(t, now, label, label)
}

// startLoad begins the load window: at once, or at Options.StartAt,
// waiting for it. A shard that gets there after StartAt keeps the shared
// window and schedule, so the shards' streams still interleave: it joins
// late, sends nothing that was due before it arrived, and says how late it
// was. It returns the window's start, as an offset from the run's start.
func (r *runner) startLoad(ctx context.Context) time.Duration {
	now := time.Since(r.start)
	if r.opts.StartAt.IsZero() {
		return now
	}
	// Wall clock against wall clock: StartAt has no monotonic reading,
	// so Sub compares it with the run's start as the system clock saw it.
	at := r.opts.StartAt.Sub(r.start)
	if now > at {
		r.late = now - at
		return at
	}
	timer := newStoppedTimer()
	defer timer.Stop()
	r.waitUntil(ctx, timer, at, false)
	return at
}

// skipDue is p without the hits due before offset: those a late shard
// arrived too late to send.
func skipDue(p Pacer, offset time.Duration) Pacer {
	if offset <= 0 {
		return p
	}
	gone := func(h uint64) bool {
		due, ok := p.Next(h)
		return ok && due < offset
	}
	// Due times grow with hits: find the first hit not gone by bisection,
	// as a schedule may hold hundreds of millions of hits.
	hi := uint64(1)
	for gone(hi) && hi < 1<<62 {
		hi *= 2
	}
	skip := uint64(sort.Search(int(hi), func(i int) bool { return !gone(uint64(i)) }))
	return skipPacer{p: p, skip: skip}
}

type skipPacer struct {
	p    Pacer
	skip uint64
}

// Next implements Pacer.
func (sp skipPacer) Next(hits uint64) (time.Duration, bool) { return sp.p.Next(hits + sp.skip) }

// idle says whether this run's share of the load is none: a shard with
// fewer workers to run than shards (--concurrency 1 on three shards).
func (p plan) idle() bool {
	return p.shard.Sharded() && !p.open && p.workers() == 0
}

// othersLoad stands, in the verdict of a shard with no load of its own,
// for the load the other shards send: its probes were sent under it, so
// the run was loaded, though not by this process.
var othersLoad = Stats{Count: 1, OK: 1}
