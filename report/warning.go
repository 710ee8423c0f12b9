package report

import (
	"fmt"
	"strings"
)

// generatorLagWarnMs is the send lag (p99) above which the report warns that
// the generator, not the target, fell behind. Below it, lag is timer and
// scheduling noise of a loaded machine.
const generatorLagWarnMs = 5

// Warning is one thing the reader of a report is warned of: its kind
// ("Note", "Generator lag", "PARTIAL") and what it says.
type Warning struct{ Kind, Text string }

func (w Warning) String() string { return w.Kind + ": " + w.Text }

// Warnings lists what the reader of r should be warned of: a generator that
// fell behind, the report's notes, and an interrupted run.
func Warnings(r *Report) []Warning {
	var ws []Warning
	if r.GeneratorLagP99Ms > generatorLagWarnMs {
		ws = append(ws, Warning{"Generator lag", fmt.Sprintf("p99 %s behind schedule; the load generator itself fell behind",
			FormatMs(r.GeneratorLagP99Ms))})
	}
	for _, n := range r.Notes {
		ws = append(ws, Warning{"Note", n})
	}
	if l := r.Loop; l != nil && l.Lost != "" && l.Answered() {
		ws = append(ws, Warning{"Loop agent lost", l.Lost + "; the loop figures cover the run until then"})
	}
	if r.Partial {
		ws = append(ws, Warning{"PARTIAL", "interrupted"})
	}
	return ws
}

// MergedWarnings lists the warnings of several runs once each, in the order
// first seen. A warning that holds for only some of the runs names them:
// "Note: staging: loop figures are unavailable for external targets".
func MergedWarnings(runs []*Report) []string {
	var order []Warning
	seen := map[Warning][]string{}
	for _, r := range runs {
		for _, w := range Warnings(r) {
			if _, ok := seen[w]; !ok {
				order = append(order, w)
			}
			seen[w] = append(seen[w], r.Name())
		}
	}
	lines := make([]string, 0, len(order))
	for _, w := range order {
		if names := seen[w]; len(names) < len(runs) {
			w.Text = strings.Join(names, ", ") + ": " + w.Text
		}
		lines = append(lines, w.String())
	}
	return lines
}
