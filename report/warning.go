package report

import (
	"fmt"
	"strings"
)

// warning is one thing the reader of a report is warned of: its kind
// ("Note", "Generator lag", "PARTIAL") and what it says.
type warning struct{ kind, text string }

func (w warning) String() string { return w.kind + ": " + w.text }

// warnings lists what the reader of r should be warned of: a generator that
// fell behind, the report's notes, and an interrupted run.
func warnings(r *Report) []warning {
	var ws []warning
	if r.GeneratorLagP99Ms > generatorLagWarnMs {
		ws = append(ws, warning{"Generator lag", fmt.Sprintf("p99 %s behind schedule; the load generator itself fell behind",
			FormatMs(r.GeneratorLagP99Ms))})
	}
	for _, n := range r.Notes {
		ws = append(ws, warning{"Note", n})
	}
	if r.Partial {
		ws = append(ws, warning{"PARTIAL", "interrupted"})
	}
	return ws
}

// mergedWarnings lists the warnings of several runs once each, in the order
// first seen. A warning that holds for only some of the runs names them:
// "Note: staging: loop figures are unavailable for external targets".
func mergedWarnings(runs []*Report) []string {
	var order []warning
	seen := map[warning][]string{}
	for _, r := range runs {
		for _, w := range warnings(r) {
			if _, ok := seen[w]; !ok {
				order = append(order, w)
			}
			seen[w] = append(seen[w], r.Name())
		}
	}
	lines := make([]string, 0, len(order))
	for _, w := range order {
		if names := seen[w]; len(names) < len(runs) {
			w.text = strings.Join(names, ", ") + ": " + w.text
		}
		lines = append(lines, w.String())
	}
	return lines
}
