package report

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
)

// The phrases and the table of a loop's stalls, which every format says
// alike: where each held the loop, what held it, and which are listed.

// StallPlace is where a stall held the loop, its innermost frame of the
// server's code: "examples/tornado/server.py:75 `time.sleep(self.delay)`";
// "" without frames. terse leaves the code out and the directories.
func StallPlace(s Stall, terse bool) string {
	if len(s.Frames) == 0 {
		return ""
	}
	f := s.Frames[0]
	if terse {
		return fmt.Sprintf("%s:%d", path.Base(f.File), f.Line)
	}
	place := fmt.Sprintf("%s:%d", f.File, f.Line)
	if f.Code != "" {
		place += " `" + f.Code + "`"
	}
	return place
}

// StallWho names what held the loop in a stall: its handler, else its
// request ("GET /complex"); "" when the agent could name neither.
func StallWho(s Stall) string {
	if s.Handler != "" {
		return s.Handler
	}
	return s.Request
}

// StallCulprit names what held the loop in a stall, StallWho, with its
// place: "BlockingComplexHandler.get at examples/tornado/server.py:75
// `time.sleep(self.delay)`"; "" when the agent could name nothing.
func StallCulprit(s Stall) string {
	who := StallWho(s)
	if place := StallPlace(s, false); place != "" {
		if who == "" {
			return place
		}
		return who + " at " + place
	}
	return who
}

// MaxStallLines bounds the stalls a report lists in words.
const MaxStallLines = 5

// ListsStalls says whether a report lists the stalls of l one by one: an
// agent's, and the embedded target's when there was more than the one its
// Loop line names.
func ListsStalls(l *Loop) bool {
	return l != nil && len(l.Stalls) > 0 && (l.FromAgent() || len(l.Stalls) > 1)
}

// StallLine describes one stall on the run's clock: "stall at 0.21s for
// 1.00s: BlockingComplexHandler.get (GET /complex) at
// examples/tornado/server.py:75 `time.sleep(self.delay)`".
func StallLine(s Stall) string {
	line := fmt.Sprintf("stall at %s for %s", ShortMs(s.StartMs), FormatMs(s.DurationMs))
	if s.Ongoing {
		line += " (still running)"
	}
	who := s.Handler
	if s.Request != "" && s.Request != s.Handler {
		who = strings.TrimSpace(who + " (" + s.Request + ")")
	}
	if place := StallPlace(s, false); place != "" {
		who = strings.TrimSpace(who + " at " + place)
	}
	if who != "" {
		line += ": " + who
	}
	return line
}

// StallLines describe the longest stalls of l, at most n, in the order
// they began, and how many more there were.
func StallLines(l *Loop, n int) []string {
	if l == nil || len(l.Stalls) == 0 {
		return nil
	}
	shown := LongestStalls(l.Stalls, n)
	lines := make([]string, 0, len(shown)+1)
	for _, s := range shown {
		lines = append(lines, StallLine(s))
	}
	if more := MoreStallsLine(l, len(shown)); more != "" {
		lines = append(lines, more)
	}
	return lines
}

// MoreStallsLine says how many stalls of l are left out of a list of the
// shown longest: "... 2 stalls more, shorter"; "" when none is.
func MoreStallsLine(l *Loop, shown int) string {
	more := len(l.Stalls) - shown
	if more <= 0 {
		return ""
	}
	return fmt.Sprintf("... %s more, shorter", plural(more, "stall"))
}

// StallTable is the table of the stalls a report lists (ListsStalls), the
// longest MaxStallLines in the order they began, numbered as the charts
// label them: when, for how long, the handler and request that held the
// loop, and the innermost frame of the server's code (a column that no
// stall fills is left out); nil without.
func StallTable(l *Loop) (header []string, right []bool, rows [][]string) {
	if !ListsStalls(l) {
		return nil, nil, nil
	}
	header = []string{"#", "at", "for", "handler", "request", "where", "code"}
	right = []bool{true, true, true, false, false, false, false}
	for i, s := range LongestStalls(l.Stalls, MaxStallLines) {
		dur := FormatMs(s.DurationMs)
		if s.Ongoing {
			dur += " (still running)"
		}
		where, code := "", ""
		if len(s.Frames) > 0 {
			f := s.Frames[0]
			where, code = fmt.Sprintf("%s:%d", f.File, f.Line), f.Code
		}
		rows = append(rows, []string{strconv.Itoa(i + 1), ShortMs(s.StartMs), dur, s.Handler, s.Request, where, code})
	}
	return dropEmptyColumns(header, right, rows, 4)
}

// dropEmptyColumns leaves out the columns from the first optional one on
// that are empty in every row: the request, frame and code of stalls that
// an agent, or the embedded target, did not name.
func dropEmptyColumns(header []string, right []bool, rows [][]string, optional int) ([]string, []bool, [][]string) {
	keep := make([]bool, len(header))
	for j := range keep {
		keep[j] = j < optional
		for _, row := range rows {
			keep[j] = keep[j] || row[j] != ""
		}
	}
	pick := func(row []string) []string {
		var out []string
		for j, c := range row {
			if keep[j] {
				out = append(out, c)
			}
		}
		return out
	}
	var r []bool
	for j, b := range right {
		if keep[j] {
			r = append(r, b)
		}
	}
	for i := range rows {
		rows[i] = pick(rows[i])
	}
	return pick(header), r, rows
}

// LongestStalls are the n longest of stalls, in the order they began.
func LongestStalls(stalls []Stall, n int) []Stall {
	if len(stalls) <= n {
		return stalls
	}
	out := slices.Clone(stalls)
	slices.SortStableFunc(out, func(a, b Stall) int { return cmp.Compare(b.DurationMs, a.DurationMs) })
	out = out[:n]
	slices.SortStableFunc(out, func(a, b Stall) int { return cmp.Compare(a.StartMs, b.StartMs) })
	return out
}
