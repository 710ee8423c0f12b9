package text

import "unicode/utf8"

// What a terminal shows of a string: how wide it is, and how to make it
// fit.

// VisibleWidth is the width of s on a terminal: its runes, less ANSI escapes.
func VisibleWidth(s string) int {
	n, esc := 0, false
	for _, r := range s {
		switch {
		case r == '\x1b':
			esc = true
		case esc:
			esc = r != 'm'
		default:
			n++
		}
	}
	return n
}

// clip shortens s to at most n runes.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:max(n-1, 0)]) + "…"
}
