package cmd

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/blockprobe/blockprobe/probe"
)

// stagesFlag is --stages: DURATION:LEVEL,... where each LEVEL is a number
// of ComplexHandler workers ("10s:4"), or, written N/s, an open-loop rate
// ("10s:20/s"); the stages of one run are all of one kind.
type stagesFlag struct {
	raw    string
	stages []probe.Stage
	rates  bool
}

func (f *stagesFlag) String() string { return f.raw }
func (f *stagesFlag) Type() string   { return "stages" }

// Set parses the flag's value, as pflag does with each --stages.
func (f *stagesFlag) Set(v string) error {
	var stages []probe.Stage
	kinds := map[bool]bool{}
	for _, part := range strings.Split(v, ",") {
		d, level, found := strings.Cut(strings.TrimSpace(part), ":")
		if !found {
			return fmt.Errorf("stage %q: want DURATION:LEVEL, e.g. 10s:4 (workers) or 10s:20/s (requests per second)", part)
		}
		dur, err := time.ParseDuration(d)
		if err != nil || dur <= 0 {
			return fmt.Errorf("stage %q: %q is not a duration above zero, such as 10s", part, d)
		}
		level, rate := strings.CutSuffix(level, "/s")
		n, err := strconv.ParseFloat(level, 64)
		if err != nil {
			return fmt.Errorf("stage %q: %q is not a number", part, level)
		}
		kinds[rate] = true
		stages = append(stages, probe.Stage{Duration: dur, Level: n})
	}
	if len(kinds) > 1 {
		return errors.New("mixes workers and rates: write every level as workers (10s:4) or every one as a rate (10s:20/s)")
	}
	f.raw, f.stages, f.rates = v, stages, kinds[true]
	return nil
}

// total is how long the stages last together.
func (f *stagesFlag) total() time.Duration {
	var d time.Duration
	for _, s := range f.stages {
		d += s.Duration
	}
	return d
}

// peak is the highest level of the stages.
func (f *stagesFlag) peak() float64 {
	top := 0.0
	for _, s := range f.stages {
		top = max(top, s.Level)
	}
	return top
}
