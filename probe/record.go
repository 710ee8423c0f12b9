// Package probe runs the blockprobe scenario against an HTTP target: an idle
// baseline of MainHandler requests, then ComplexHandler load with an
// open-loop stream of MainHandler probes. It knows nothing of flags or
// formatting; it returns plain values.
package probe

import "time"

// Endpoint names which handler a request went to.
type Endpoint string

// The two endpoints of the scenario.
const (
	Main    Endpoint = "main"
	Complex Endpoint = "complex"
)

// Phase names the part of the scenario a request belongs to.
type Phase string

// The phases of the scenario.
const (
	Baseline Phase = "baseline"
	Loaded   Phase = "loaded"
)

// ErrorClass sorts failed requests into kinds that are counted apart.
type ErrorClass string

// The error classes. A request with no error has the empty class.
const (
	ErrNone     ErrorClass = ""
	ErrTimeout  ErrorClass = "timeout"
	ErrRefused  ErrorClass = "refused"
	ErrReset    ErrorClass = "reset"
	ErrDNS      ErrorClass = "dns"
	ErrTLS      ErrorClass = "tls"
	ErrStatus   ErrorClass = "status"
	ErrCanceled ErrorClass = "canceled"
	// ErrTooLarge is an answer whose body exceeded Options.MaxBody: it was
	// not read to the end, and its connection was dropped.
	ErrTooLarge ErrorClass = "too_large"
	// ErrGenerator is a request that blockprobe itself could not make for
	// want of a local resource (file descriptors, ports, buffers): the
	// generator's failure, never the target's.
	ErrGenerator ErrorClass = "generator_limit"
	// ErrBehind is a probe that was never sent: by the time the generator
	// got to it, it was already --timeout late. The generator's failure.
	ErrBehind ErrorClass = "generator_behind"
	// ErrProtocol is an answer that is not valid HTTP: the target answered,
	// but wrongly.
	ErrProtocol ErrorClass = "protocol"
	// ErrCutOff is a ComplexHandler request still in flight when the run
	// stopped waiting for the load (Options.LoadGrace after the window,
	// once the probes were done). It loaded the target to the end of the
	// window: neither the target's failure nor the generator's.
	ErrCutOff ErrorClass = "cut_off"
	ErrOther  ErrorClass = "other"
)

// Generators reports whether the class blames blockprobe, not the target.
func (c ErrorClass) Generators() bool { return c == ErrGenerator || c == ErrBehind }

// Record is one request of a run. Times are offsets from the start of the run.
type Record struct {
	Endpoint Endpoint
	Phase    Phase
	// Scheduled is when the request was meant to be sent. For open-loop
	// probes it comes from the pacer; for closed-loop requests it equals Start.
	Scheduled time.Duration
	// Fired is when the generator launched the request: later than Scheduled
	// only when the generator itself fell behind.
	Fired time.Duration
	// Start is when the request was sent: later than Fired when it waited for
	// a free connection (Options.ProbeConns).
	Start  time.Duration
	End    time.Duration
	Status int // HTTP status, 0 when no answer came
	Err    ErrorClass
	Detail string // the error's text, empty when Err is ErrNone
	// Stage is the index in Options.Stages of the stage a loaded request
	// belongs to: the one it was scheduled in. Zero without stages.
	Stage int
}

// Latency is the time from the scheduled send to the answer. Measuring from
// the schedule, not the actual send, keeps a stalled server (or a stalled
// generator) from hiding its stall: coordinated omission.
func (r Record) Latency() time.Duration { return r.End - r.Scheduled }

// Uncorrected is the time from the actual send to the answer, what a naive
// closed-loop tool would report.
func (r Record) Uncorrected() time.Duration { return r.End - r.Start }

// FromFired is the time from the generator's launch of the request to the
// answer: the latency with the generator's own lateness taken out, but any
// wait for a free probe connection left in.
func (r Record) FromFired() time.Duration { return r.End - r.Fired }

// SendLag is how late the generator launched the request against its
// schedule: the generator's own lateness, not the target's.
func (r Record) SendLag() time.Duration { return r.Fired - r.Scheduled }

// Answered reports whether a response came back (any status).
func (r Record) Answered() bool { return r.Status != 0 }

// OK reports whether the request got a 2xx answer.
func (r Record) OK() bool { return r.Err == ErrNone && r.Status >= 200 && r.Status < 300 }
