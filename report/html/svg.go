package html

import (
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/chart"
)

// The SVG of the HTML report is written by hand, in Go: a handful of
// shapes, axes and scales. Every string that reaches the markup passes
// through esc, so the result is safe to embed as template.HTML.

// svgCanvas accumulates the markup of one <svg> element.
type svgCanvas struct {
	b strings.Builder
}

// newSVG starts an SVG of w×h user units, described by label for screen
// readers. It carries no xmlns: inline SVG in HTML needs none, and the
// report holds no URL at all.
func newSVG(w, h float64, label string) *svgCanvas {
	s := &svgCanvas{}
	s.b.WriteString(`<svg viewBox="0 0 ` + num(w) + ` ` + num(h) + `" width="` + num(w) + `" height="` + num(h) +
		`" role="img" aria-label="` + esc(label) + `">`)
	return s
}

// html closes the SVG and returns its markup.
func (s *svgCanvas) html() template.HTML {
	s.b.WriteString("</svg>")
	return template.HTML(s.b.String()) // #nosec: built by svgCanvas, every string escaped
}

// open writes a start tag with attrs (name, value pairs, values escaped).
func (s *svgCanvas) open(tag string, attrs ...string) {
	s.b.WriteString("<" + tag)
	for i := 0; i+1 < len(attrs); i += 2 {
		if attrs[i+1] == "" {
			continue
		}
		s.b.WriteString(" " + attrs[i] + `="` + esc(attrs[i+1]) + `"`)
	}
	s.b.WriteString(">")
}

// shape writes an element with an optional tooltip.
func (s *svgCanvas) shape(tag, title string, attrs ...string) {
	s.open(tag, attrs...)
	if title != "" {
		s.b.WriteString("<title>" + esc(title) + "</title>")
	}
	s.b.WriteString("</" + tag + ">")
}

func (s *svgCanvas) rect(x, y, w, h float64, class, title string) {
	s.shape("rect", title, "x", num(x), "y", num(y), "width", num(math.Max(w, 0)), "height", num(math.Max(h, 0)), "class", class)
}

func (s *svgCanvas) line(x1, y1, x2, y2 float64, class string) {
	s.shape("line", "", "x1", num(x1), "y1", num(y1), "x2", num(x2), "y2", num(y2), "class", class)
}

func (s *svgCanvas) circle(x, y, r float64, class, title string) {
	s.shape("circle", title, "cx", num(x), "cy", num(y), "r", num(r), "class", class)
}

// cross draws an "×" marker of half-size r, for failed requests.
func (s *svgCanvas) cross(x, y, r float64, class, title string) {
	d := "M" + num(x-r) + " " + num(y-r) + "L" + num(x+r) + " " + num(y+r) +
		"M" + num(x-r) + " " + num(y+r) + "L" + num(x+r) + " " + num(y-r)
	s.shape("path", title, "d", d, "class", class)
}

// path draws a polyline through pts; closed fills it as a polygon.
func (s *svgCanvas) path(pts []point, closed bool, class, title string) {
	if len(pts) == 0 {
		return
	}
	var d strings.Builder
	for i, p := range pts {
		if i == 0 {
			d.WriteString("M")
		} else {
			d.WriteString("L")
		}
		d.WriteString(num(p.x) + " " + num(p.y))
	}
	if closed {
		d.WriteString("Z")
	}
	s.shape("path", title, "d", d.String(), "class", class)
}

// text writes s at (x, y); anchor is "start", "middle" or "end".
func (s *svgCanvas) text(x, y float64, anchor, class, text string) {
	s.open("text", "x", num(x), "y", num(y), "text-anchor", anchor, "class", class)
	s.b.WriteString(esc(text) + "</text>")
}

// vtext writes s turned a quarter left, centred on (x, y): a y axis title.
func (s *svgCanvas) vtext(x, y float64, class, text string) {
	s.open("text", "x", num(x), "y", num(y), "text-anchor", "middle", "class", class,
		"transform", "rotate(-90 "+num(x)+" "+num(y)+")")
	s.b.WriteString(esc(text) + "</text>")
}

type point struct{ x, y float64 }

// esc escapes s for SVG text and attribute values, control characters
// included.
func esc(s string) string { return html.EscapeString(report.Printable(s)) }

// num formats a coordinate with at most one decimal.
func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		v = 0
	}
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

// scale maps a domain of values onto a range of SVG coordinates, linearly
// or, with log set, on a logarithmic scale.
type scale struct {
	d0, d1, r0, r1 float64
	log            bool
}

func (s scale) at(v float64) float64 {
	a, b, x := s.d0, s.d1, v
	if s.log {
		a, b, x = math.Log10(a), math.Log10(b), math.Log10(math.Max(v, s.d0))
	}
	if b == a {
		return s.r0
	}
	return s.r0 + (x-a)/(b-a)*(s.r1-s.r0)
}

// tick is a value on an axis and its label.
type tick struct {
	v     float64
	label string
}

// frame is the plot area of a chart, inside the margins for the axes.
type frame struct{ x, y, w, h float64 }

// Margins of every chart: room for tick labels and axis titles.
const (
	marginLeft   = 66
	marginRight  = 18
	marginTop    = 14
	marginBottom = 42
)

func newFrame(w, plotH float64) frame {
	return frame{x: marginLeft, y: marginTop, w: w - marginLeft - marginRight, h: plotH}
}

func (f frame) height() float64 { return f.y + f.h + marginBottom }

// xAxis draws the ticks, grid lines and title of the x axis.
func (s *svgCanvas) xAxis(f frame, sc scale, ts []tick, title string) {
	for _, t := range ts {
		x := sc.at(t.v)
		s.line(x, f.y, x, f.y+f.h, "gridline")
		s.line(x, f.y+f.h, x, f.y+f.h+4, "axis")
		s.text(x, f.y+f.h+17, "middle", "tick", t.label)
	}
	s.line(f.x, f.y+f.h, f.x+f.w, f.y+f.h, "axis")
	s.text(f.x+f.w/2, f.y+f.h+35, "middle", "axis-title", title)
}

// yAxis draws the ticks, grid lines and title of the y axis.
func (s *svgCanvas) yAxis(f frame, sc scale, ts []tick, title string) {
	for _, t := range ts {
		y := sc.at(t.v)
		s.line(f.x, y, f.x+f.w, y, "gridline")
		s.line(f.x-4, y, f.x, y, "axis")
		s.text(f.x-7, y+4, "end", "tick", t.label)
	}
	s.line(f.x, f.y, f.x, f.y+f.h, "axis")
	if title != "" {
		s.vtext(14, f.y+f.h/2, "axis-title", title)
	}
}

// timeTicks are round times from 0 to span (ms), about one per 90 units of
// width.
func timeTicks(span, width float64) []tick {
	step := chart.NiceStep(span / math.Max(2, math.Floor(width/90)))
	var out []tick
	for _, v := range chart.Ticks(span, step) {
		out = append(out, tick{v, chart.TickLabel(v)})
	}
	return out
}

// msTicks are round latencies from 0 to top (ms), about n of them.
func msTicks(top float64, n int) []tick {
	var out []tick
	for _, v := range chart.Ticks(top, chart.NiceStep(top/float64(n))) {
		out = append(out, tick{v, chart.TickLabel(v)})
	}
	return out
}

// niceCeil rounds v up to a multiple of its nice step.
func niceCeil(v float64, n int) float64 {
	if v <= 0 {
		return 1
	}
	step := chart.NiceStep(v / float64(n))
	return math.Ceil(v/step*0.9999999) * step
}

// decadeLabel names a power of ten of milliseconds: "10µs", "1ms", "10s".
func decadeLabel(ms float64) string {
	if ms < 1 {
		return strconv.FormatFloat(math.Round(ms*1000), 'f', -1, 64) + "µs"
	}
	return report.ShortMs(ms)
}
