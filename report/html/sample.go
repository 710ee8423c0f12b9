package html

import (
	"math"
	"sort"
)

// A chart draws at most what its pixels can show. A run of a hundred
// thousand requests would otherwise draw a hundred thousand shapes, tens
// of megabytes that no browser renders smoothly, most of them on top of
// each other. Like vegeta's plot, which keeps the worst points, each chart
// keeps per column of pixels the one that matters most: the slowest
// request, the latest heartbeat.

// Widths of the columns a chart keeps one mark per, in pixels: a point of
// a scatter plot, a tooltip dot on a line.
const (
	columnPx    = 2
	lineDotPx   = 12
	maxColumnPx = 1 << 20 // beyond any chart
)

// worstPerColumn keeps, of items, the worst in each column of colPx
// pixels, in the order of the columns; x places an item, in pixels, and
// worse says whether a is worse than b.
func worstPerColumn[T any](items []T, colPx float64, x func(T) float64, worse func(a, b T) bool) []T {
	kept := map[int]T{}
	for _, it := range items {
		col := int(math.Max(math.Min(math.Floor(x(it)/colPx), maxColumnPx), -maxColumnPx))
		if cur, ok := kept[col]; !ok || worse(it, cur) {
			kept[col] = it
		}
	}
	cols := make([]int, 0, len(kept))
	for c := range kept {
		cols = append(cols, c)
	}
	sort.Ints(cols)
	out := make([]T, len(cols))
	for i, c := range cols {
		out[i] = kept[c]
	}
	return out
}

// simplify drops the points of a polyline that add nothing at the
// precision it is drawn with (a tenth of a pixel): repeated points, and
// those inside a straight horizontal or vertical run.
func simplify(pts []point) []point {
	same := func(a, b float64) bool { return num(a) == num(b) }
	between := func(a, m, b float64) bool { return a <= m && m <= b || b <= m && m <= a }
	out := make([]point, 0, len(pts))
	for _, p := range pts {
		n := len(out)
		if n > 0 && same(out[n-1].x, p.x) && same(out[n-1].y, p.y) {
			continue
		}
		if n >= 2 {
			a, m := out[n-2], out[n-1]
			if same(a.x, m.x) && same(m.x, p.x) && between(a.y, m.y, p.y) ||
				same(a.y, m.y) && same(m.y, p.y) && between(a.x, m.x, p.x) {
				out[n-1] = p
				continue
			}
		}
		out = append(out, p)
	}
	return out
}
