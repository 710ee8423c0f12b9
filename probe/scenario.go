package probe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Observer is told of a run's progress, for progress bars and live logs.
// RequestDone is called from one goroutine, off the request path, in the
// order requests finished; while it works the records queue, so it should
// be quick but may write.
type Observer interface {
	// PhaseStarted is called when a phase begins; planned is the number of
	// requests scheduled in advance for it (baseline requests, probes), and
	// window its planned length (zero for the baseline).
	PhaseStarted(p Phase, planned int, window time.Duration)
	RequestDone(r Record)
}

// ErrUnreachable means the target did not answer the warm-up request, so no
// measurement was made.
var ErrUnreachable = errors.New("target unreachable")

// ErrInvalidAnswer means the target answered the warm-up request with
// something that cannot be measured (not valid HTTP, a body longer than
// Options.MaxBody), so no measurement was made.
var ErrInvalidAnswer = errors.New("the target answered, but not usably")

// Run carries out the scenario: a warm-up request, the idle baseline, then
// the load window with its open-loop probes. It returns when every request
// has been answered or has failed. When ctx is cancelled it stops sending,
// waits up to Options.Grace for requests in flight, and returns the partial
// result with Partial set and no error.
func Run(ctx context.Context, o Options) (*Result, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	o = o.withDefaults()
	r := &runner{opts: o, plan: newPlan(o), start: time.Now(), collector: newCollector(o), secrets: o.secrets()}
	defer r.collector.stop()
	// Requests run under their own context, cancelled only Grace after ctx,
	// so an interrupt stops new requests but lets answers in flight arrive.
	reqCtx, cancelReqs := context.WithCancel(context.Background())
	defer cancelReqs()
	stopGrace := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(o.Grace, cancelReqs)
		<-reqCtx.Done()
		t.Stop()
	})
	defer stopGrace()
	r.reqCtx = reqCtx
	r.sender = newSender(reqCtx, &o)
	defer r.sender.close()
	// The load has its own connections, so that it can be cut off at the
	// end of the run without touching a probe (see cutLoad).
	loadCtx, cutLoad := context.WithCancel(reqCtx)
	defer cutLoad()
	r.loadSender, r.cutLoad = newSender(loadCtx, &o), cutLoad
	defer r.loadSender.close()

	var watch *loopWatcher
	if o.LoopStatsURL != "" {
		watch = watchLoop(o.LoopStatsURL, r.start, o.LoopPoll, o.Insecure)
	}
	if err := r.warmUp(ctx); err != nil {
		if watch != nil {
			watch.finish(0)
		}
		return nil, err
	}
	r.baseline(ctx)
	r.load(ctx)
	elapsed := time.Since(r.start)
	r.collector.stop()

	c := r.collector
	res := &Result{
		Options:   o,
		Started:   r.start,
		Elapsed:   elapsed,
		LoadStart: r.loadStart,
		LoadEnd:   r.loadStart + o.Duration,
		StartLate: r.late,
		Records:   c.records,
		Dropped:   c.dropped,
		Partial:   ctx.Err() != nil,
	}
	c.tally.fill(res)
	if watch != nil {
		res.Loop = watch.finish(elapsed)
	}
	return res, nil
}

type runner struct {
	opts      Options
	plan      plan
	start     time.Time
	reqCtx    context.Context
	sender    sender
	loadStart time.Duration
	late      time.Duration // how long after Options.StartAt the load began
	// loadSender sends the ComplexHandler requests; cutLoad closes its
	// connections, and cut says that it did so on purpose (ErrCutOff).
	loadSender sender
	cutLoad    context.CancelFunc
	cut        atomic.Bool
	sent       atomic.Int64
	secrets    []string // kept out of every record's Detail
	collector  *collector
}

// warmUp sends one MainHandler request that is not recorded: it opens a
// connection, so the baseline does not measure a TCP handshake, and it
// checks that the target answers at all before anything is measured.
func (r *runner) warmUp(ctx context.Context) error {
	rec := r.send(Main, Baseline, time.Since(r.start))
	switch {
	case ctx.Err() != nil:
		return nil
	case rec.Err == ErrProtocol || rec.Err == ErrTooLarge:
		return fmt.Errorf("%w: GET %s: %s (%s)", ErrInvalidAnswer, RedactURLs(r.opts.MainURL), rec.Err, rec.Detail)
	case !rec.Answered():
		return fmt.Errorf("%w: GET %s: %s (%s)", ErrUnreachable, RedactURLs(r.opts.MainURL), rec.Err, rec.Detail)
	}
	return nil
}

func (r *runner) baseline(ctx context.Context) {
	if obs := r.opts.Observer; obs != nil {
		obs.PhaseStarted(Baseline, r.opts.Baseline, 0)
	}
	var b backoff
	timer := newStoppedTimer()
	defer timer.Stop()
	for i := 0; i < r.opts.Baseline && ctx.Err() == nil && r.reserve(); i++ {
		rec := r.send(Main, Baseline, time.Since(r.start))
		r.add(rec)
		wait := b.after(rec)
		if wait >= maxBackoff {
			return // the target is gone: the load phase will say so
		}
		if wait > 0 && !r.waitUntil(ctx, timer, time.Since(r.start)+wait, false) {
			return
		}
	}
}

// load runs the ComplexHandler load (closed-loop workers, or open-loop
// requests at a rate) and the open-loop probes side by side until the
// window ends, then waits for every probe, and for the load up to
// LoadGrace after the window.
func (r *runner) load(ctx context.Context) {
	if ctx.Err() != nil {
		return
	}
	o := r.opts
	r.loadStart = r.startLoad(ctx)
	probes := skipDue(o.Pacer, r.late)
	if obs := o.Observer; obs != nil {
		obs.PhaseStarted(Loaded, Planned(probes, o.MaxRequests), o.Duration)
	}
	end := r.loadStart + o.Duration
	var load, probing sync.WaitGroup
	if r.plan.open {
		// Not timed as precisely as the probes (no spinning): a load
		// request sent a little late is still load, and two spinning
		// loops would take the probes' CPU.
		load.Go(func() { r.fire(ctx, &load, Complex, skipDue(r.plan.pacer(), r.late), nil, false) })
	} else {
		for k := range r.plan.workers() {
			load.Go(func() { r.work(ctx, k, end) })
		}
	}
	var slots chan struct{}
	if o.ProbeConns > 0 {
		slots = make(chan struct{}, o.ProbeConns)
	}
	r.fire(ctx, &probing, Main, probes, slots, true)
	probing.Wait()
	r.awaitLoad(ctx, &load, end+o.LoadGrace)
}

// waitForSlot takes one of slots for a probe due at scheduled. When the
// probe's timeout or the run's cancellation comes first, it returns the
// probe's record, failed without being sent, and false.
func (r *runner) waitForSlot(slots chan struct{}, scheduled, fired time.Duration) (Record, bool) {
	t := time.NewTimer(max(0, scheduled+r.opts.Timeout-time.Since(r.start)))
	defer t.Stop()
	rec := Record{Endpoint: Main, Phase: Loaded, Scheduled: scheduled, Fired: fired}
	select {
	case slots <- struct{}{}:
		return rec, true
	case <-t.C:
		rec.Err, rec.Detail = ErrTimeout, "no free probe connection (--probe-conns) within the timeout"
	case <-r.reqCtx.Done():
		rec.Err, rec.Detail = ErrCanceled, "interrupted while waiting for a probe connection"
	}
	rec.Start = time.Since(r.start)
	rec.End = rec.Start
	return rec, false
}

// work is closed-loop ComplexHandler worker k (from zero): it sends the
// next request when the last is answered, while the stage needs it, until
// the window ends.
func (r *runner) work(ctx context.Context, k int, end time.Duration) {
	var b backoff
	timer := newStoppedTimer()
	defer timer.Stop()
	for ctx.Err() == nil {
		now := time.Since(r.start)
		if now >= end {
			return
		}
		if wake, idle := r.plan.idleUntil(k, now-r.loadStart); idle {
			if !r.waitUntil(ctx, timer, r.loadStart+wake, false) {
				return
			}
			continue
		}
		if !r.reserve() {
			return
		}
		rec := r.send(Complex, Loaded, time.Since(r.start))
		r.add(rec)
		if wait := b.after(rec); wait > 0 && !r.waitUntil(ctx, timer, min(time.Since(r.start)+wait, end), false) {
			return
		}
	}
}

// fire sends requests to ep at the times pacer gives, each on its own
// goroutine, whether or not earlier ones were answered (open loop). slots,
// when not nil, caps the requests in flight (--probe-conns); precise asks
// for the spinning wait described at spinWindow.
func (r *runner) fire(ctx context.Context, wg *sync.WaitGroup, ep Endpoint, pacer Pacer, slots chan struct{}, precise bool) {
	timer := newStoppedTimer()
	defer timer.Stop()
	last := time.Duration(-1 << 62)
	for hits := uint64(0); ; hits++ {
		due, ok := pacer.Next(hits)
		if !ok || !r.reserve() {
			return
		}
		scheduled := r.loadStart + due
		spin := precise && (due-last >= minSpinInterval || runtime.GOMAXPROCS(0) >= 2)
		if !r.waitUntil(ctx, timer, scheduled, spin) {
			return
		}
		last = due
		fired := time.Since(r.start)
		if fired-scheduled >= r.opts.Timeout {
			// The request would have timed out before it left: the
			// generator, not the target, is behind. Sending it late would
			// only stretch the run and load the target after its window.
			r.add(Record{Endpoint: ep, Phase: Loaded, Scheduled: scheduled, Fired: fired, Start: fired, End: fired,
				Err: ErrBehind, Detail: "not sent: blockprobe was more than --timeout behind schedule"})
			continue
		}
		wg.Go(func() {
			if slots != nil {
				// Wait for a free connection, as a capped client does, but
				// not past the request's timeout or an interrupt.
				if rec, waited := r.waitForSlot(slots, scheduled, fired); !waited {
					r.add(rec)
					return
				}
				defer func() { <-slots }()
			}
			rec := r.send(ep, Loaded, scheduled)
			rec.Fired = fired
			r.add(rec)
		})
	}
}

// maxDetail caps a record's error text: the clients quote what a malformed
// answer held (kilobytes of it), and a million records must not keep a
// hostile target's bytes in memory.
const maxDetail = 200

// clip cuts s to at most n bytes, on a rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

// reserve counts one more request against MaxRequests.
func (r *runner) reserve() bool {
	return r.sent.Add(1) <= int64(r.opts.MaxRequests)
}

// add hands rec to the collector, marked with the stage it was due in.
func (r *runner) add(rec Record) {
	if rec.Phase == Loaded {
		rec.Stage = r.plan.at(rec.Scheduled - r.loadStart)
	}
	r.collector.add(rec)
}

// send makes one request to ep and records it.
func (r *runner) send(ep Endpoint, ph Phase, scheduled time.Duration) Record {
	now := time.Since(r.start)
	rec := Record{Endpoint: ep, Phase: ph, Scheduled: scheduled, Fired: now, Start: now}
	s := r.sender
	if ep == Complex {
		s = r.loadSender
	}
	status, err := s.do(ep)
	rec.End = time.Since(r.start)
	rec.Status = status
	switch {
	case err != nil && ep == Complex && r.cut.Load():
		rec.Status = 0
		rec.Err, rec.Detail = ErrCutOff, "still in flight --grace after the load window, once the probes were done"
	case err != nil:
		rec.Status = 0
		rec.Err, rec.Detail = Classify(err), clip(scrub(err.Error(), r.secrets), maxDetail)
	case rec.Status < 200 || rec.Status > 299:
		rec.Err, rec.Detail = ErrStatus, http.StatusText(rec.Status)
	}
	return rec
}
