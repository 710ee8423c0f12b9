// Package sweep is the document of `blockprobe sweep`: one scenario run
// once per value of a parameter, each point with its full report, and the
// capacity, the largest value that met the SLO. It renders it as text (a
// table and a terminal chart), JSON, CSV, Markdown and HTML.
package sweep

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/blockprobe/blockprobe/report"
)

// Version is the version of the document ("blockprobe_sweep").
const Version = 1

// Unit is what a parameter's values count.
type Unit string

// The units of the parameters a sweep can vary.
const (
	Millis Unit = "ms"    // a duration, in milliseconds
	Count  Unit = "count" // workers, a pool's threads
	PerSec Unit = "per_s" // requests or probes per second
)

// Format renders v in u for people: "30ms", "1.5s", "8", "12.5/s".
func (u Unit) Format(v float64) string {
	switch u {
	case Millis:
		return report.ShortMs(v)
	case PerSec:
		return strconv.FormatFloat(v, 'f', -1, 64) + "/s"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// Parse reads a value in u as people write it: a duration such as 30ms
// for Millis, a number otherwise ("20" or "20/s" for PerSec).
func (u Unit) Parse(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if u == Millis {
		d, err := time.ParseDuration(s)
		if err != nil {
			return 0, fmt.Errorf("%q is not a duration such as 30ms", s)
		}
		return float64(d) / float64(time.Millisecond), nil
	}
	if u == PerSec {
		s = strings.TrimSuffix(s, "/s")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return v, nil
}

// Search names how the points were chosen.
const (
	SearchVary    = "vary"     // the values given, each once
	SearchFindMax = "find-max" // doubling from the low end, then bisecting
)

// Sweep is the document of one sweep.
type Sweep struct {
	Version   int    `json:"blockprobe_sweep"`
	Parameter string `json:"parameter"` // the flag it varies: "complex-delay"
	Unit      Unit   `json:"unit"`
	Search    string `json:"search"`
	// Between and Resolution bound a find-max search, in Unit.
	Between    []float64 `json:"between,omitempty"`
	Resolution float64   `json:"resolution,omitempty"`
	// SLO is what a point must meet, as --expect thresholds or
	// "not-starved"; every one must hold.
	SLO       []string  `json:"slo"`
	Mode      string    `json:"mode"`
	Target    string    `json:"target"`
	Command   string    `json:"command,omitempty"`
	Started   time.Time `json:"started"`
	ElapsedMs float64   `json:"elapsed_ms"`
	// Partial is set when the sweep was interrupted; Stopped says why it
	// ended before its last point otherwise (the target failed).
	Partial bool   `json:"partial"`
	Stopped string `json:"stopped,omitempty"`
	// Capacity is the largest value that met the SLO below the smallest
	// that broke it (FirstBroken); null when the lowest value broke it.
	// FirstBroken is null when every value met it: the capacity is then at
	// least the largest value tried.
	Capacity    *float64 `json:"capacity"`
	FirstBroken *float64 `json:"first_broken"`
	// Summary states the capacity and what it rests on, to follow
	// "Capacity: ".
	Summary string   `json:"summary"`
	Notes   []string `json:"notes,omitempty"`
	// Points are in the order of their values.
	Points []Point `json:"points"`
}

// Point is one value of the parameter and what its run measured. A point
// that landed near the SLO's line was measured again, up to three times;
// the majority decides Met, and Report is the first run that agrees with
// it (the others are Repeats).
type Point struct {
	Value float64 `json:"value"`
	Label string  `json:"label"`
	// Measured is when the point was measured: 1 for the first.
	Measured int              `json:"measured"`
	Met      bool             `json:"met"`
	Runs     int              `json:"runs"`
	MetRuns  int              `json:"met_runs"`
	Report   *report.Report   `json:"report"`
	Repeats  []*report.Report `json:"repeats,omitempty"`
}

// Add puts p among the points, in the order of their values, and settles
// the capacity again.
func (s *Sweep) Add(p Point) {
	p.Label = s.Unit.Format(p.Value)
	p.Measured = len(s.Points) + 1
	s.Points = append(s.Points, p)
	sort.SliceStable(s.Points, func(i, j int) bool { return s.Points[i].Value < s.Points[j].Value })
	s.Settle()
}

// Settle finds the capacity among the points: the largest value that met
// the SLO below the smallest that broke it. A value that met it above one
// that broke it does not count, and a note says so: near the line, noise
// can flip a point, and a load that breaks a target once has shown where
// it breaks.
func (s *Sweep) Settle() {
	s.Capacity, s.FirstBroken, s.Notes = nil, nil, nil
	for i := range s.Points {
		p := &s.Points[i]
		switch {
		case s.FirstBroken == nil && p.Met:
			s.Capacity = ptr(p.Value)
		case s.FirstBroken == nil:
			s.FirstBroken = ptr(p.Value)
		case p.Met && s.growsBetter():
		case p.Met:
			s.Notes = append(s.Notes, fmt.Sprintf("%s met the SLO although %s, lower, broke it: the figure is noisy near the line, or does not grow with the %s",
				p.Label, s.Unit.Format(*s.FirstBroken), s.Parameter))
		}
	}
	if s.growsBetter() {
		for _, p := range s.Points {
			if p.Met {
				s.Notes = append(s.Notes, fmt.Sprintf("the SLO breaks below %s and holds from it up: more %s helps here, so the capacity (the largest value that meets it below one that breaks it) does not apply; the smallest that met it is %s",
					p.Label, s.Parameter, p.Label))
				break
			}
		}
	}
	s.Summary = s.summary()
}

// growsBetter reports whether the points broke the SLO up to a value and
// met it from there on, as a larger pool does for a queue: the opposite of
// a load.
func (s *Sweep) growsBetter() bool {
	if len(s.Points) < 2 || s.Points[0].Met || !s.Points[len(s.Points)-1].Met {
		return false
	}
	met := false
	for _, p := range s.Points {
		if met && !p.Met {
			return false
		}
		met = met || p.Met
	}
	return true
}

// sloText says the SLO for people.
func (s *Sweep) sloText() string {
	parts := make([]string, len(s.SLO))
	for i, e := range s.SLO {
		parts[i] = e
		if e == "not-starved" {
			parts[i] = "not starved"
		}
	}
	return strings.Join(parts, " and ")
}

func (s *Sweep) summary() string {
	slo := s.sloText()
	switch {
	case len(s.Points) == 0:
		return "none: no point was measured"
	case s.Capacity == nil:
		return fmt.Sprintf("none: %s %s, the lowest tried, already broke the SLO (%s)", s.Parameter, s.Points[0].Label, slo)
	case s.FirstBroken == nil:
		return fmt.Sprintf("at least %s: every %s tried met the SLO (%s); try higher values", s.Unit.Format(*s.Capacity), s.Parameter, slo)
	}
	return fmt.Sprintf("%s, the largest %s that met the SLO (%s); %s broke it",
		s.Unit.Format(*s.Capacity), s.Parameter, slo, s.Unit.Format(*s.FirstBroken))
}

// CapacityLabel is the capacity for a table or a chart: "30ms", "none",
// ">= 300ms".
func (s *Sweep) CapacityLabel() string {
	switch {
	case s.Capacity == nil:
		return "none"
	case s.FirstBroken == nil:
		return ">= " + s.Unit.Format(*s.Capacity)
	}
	return s.Unit.Format(*s.Capacity)
}

func ptr(v float64) *float64 { return &v }
