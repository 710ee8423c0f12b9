package cmd

import (
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/blockprobe/blockprobe/internal/tick"
	"github.com/blockprobe/blockprobe/probe"
)

// progressBars draws a run's progress on a terminal: the baseline requests,
// the load window's clock with the ComplexHandler answers so far, and the
// probes sent under load. It implements probe.Observer.
type progressBars struct {
	p                      *mpb.Progress
	baseline, load, probes *mpb.Bar
	complexDone            atomic.Int64
	stopClock              chan struct{}
	clockDone              chan struct{}
}

func newProgressBars(w io.Writer) *progressBars {
	return &progressBars{
		p:         mpb.New(mpb.WithOutput(w), mpb.WithWidth(32), mpb.WithRefreshRate(100*time.Millisecond)),
		stopClock: make(chan struct{}),
		clockDone: make(chan struct{}),
	}
}

func (b *progressBars) bar(total int, name string, counter decor.Decorator) *mpb.Bar {
	return b.p.AddBar(int64(total),
		mpb.PrependDecorators(decor.Name(name, decor.WC{W: 10, C: decor.DindentRight}), counter),
		mpb.AppendDecorators(decor.Elapsed(decor.ET_STYLE_GO, decor.WC{W: 6})),
	)
}

// PhaseStarted implements probe.Observer.
func (b *progressBars) PhaseStarted(p probe.Phase, planned int, window time.Duration) {
	switch p {
	case probe.Baseline:
		b.baseline = b.bar(planned, "baseline", decor.CountersNoUnit("%d/%d GET main", decor.WC{W: 20, C: decor.DindentRight}))
	case probe.Loaded:
		finish(b.baseline)
		complexCount := decor.Any(func(decor.Statistics) string {
			return fmt.Sprintf("%d complex done", b.complexDone.Load())
		}, decor.WC{W: 20, C: decor.DindentRight})
		b.load = b.bar(int(window/time.Millisecond), "load", complexCount)
		b.probes = b.bar(planned, "probes", decor.CountersNoUnit("%d/%d answered", decor.WC{W: 20, C: decor.DindentRight}))
		go b.tick(time.Now(), window)
	}
}

// tick moves the load bar with the clock until the window ends.
func (b *progressBars) tick(start time.Time, window time.Duration) {
	defer close(b.clockDone)
	tick.While(b.stopClock, 100*time.Millisecond, func() bool {
		elapsed := min(time.Since(start), window)
		b.load.SetCurrent(int64(elapsed / time.Millisecond))
		return elapsed < window
	})
}

// RequestDone implements probe.Observer.
func (b *progressBars) RequestDone(r probe.Record) {
	switch {
	case r.Endpoint == probe.Complex:
		b.complexDone.Add(1)
	case r.Phase == probe.Baseline && b.baseline != nil:
		b.baseline.Increment()
	case r.Phase == probe.Loaded && b.probes != nil:
		b.probes.Increment()
	}
}

// Finish completes every bar where it stands and waits until they are drawn.
func (b *progressBars) Finish() {
	close(b.stopClock)
	if b.load != nil {
		<-b.clockDone
	}
	for _, bar := range []*mpb.Bar{b.baseline, b.load, b.probes} {
		finish(bar)
	}
	b.p.Wait()
}

func finish(bar *mpb.Bar) {
	if bar != nil && !bar.Completed() {
		bar.SetTotal(-1, true)
	}
}
