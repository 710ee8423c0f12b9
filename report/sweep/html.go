package sweep

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"html"
	"html/template"
	"io"
	"math"
	"strings"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/text"
)

//go:embed assets/sweep.html.tmpl
var htmlTemplateText string

var htmlTemplate = template.Must(template.New("sweep").Parse(htmlTemplateText))

// htmlPage is what the template renders.
type htmlPage struct {
	Title, Command, Summary, SLOLabel string
	Header, Notes                     []string
	NoCapacity                        bool
	Chart                             template.HTML
	Table                             struct {
		Header []string
		Right  []bool
		Rows   [][]string
	}
	Broken []bool
	IDs    []int
	Points []htmlPoint
}

// htmlPoint is a point's full report, as text, under an anchor.
type htmlPoint struct {
	ID      int
	Title   string
	Reports []string
}

// WriteHTML writes s as one self-contained page: the capacity, a chart of
// the p99 latencies against the parameter with the SLO's line and the
// capacity marked, the table of points, and each point's full report,
// which its point on the chart and its row link to.
func WriteHTML(w io.Writer, s *Sweep) error {
	p := htmlPage{
		Title: "blockprobe sweep: " + s.Parameter + ", capacity " + s.CapacityLabel(), Command: s.Command,
		Summary: s.Summary, Header: s.headerLines(), Notes: s.noteLines(),
		NoCapacity: s.Capacity == nil, Chart: s.svgChart(),
	}
	p.SLOLabel = sloLabel(s)
	p.Table.Header, p.Table.Right, p.Table.Rows = s.table()
	for _, pt := range s.Points {
		p.Broken, p.IDs = append(p.Broken, !pt.Met), append(p.IDs, pt.Measured)
		hp := htmlPoint{ID: pt.Measured, Title: fmt.Sprintf("%s %s: %s", s.Parameter, pt.Label, sloWord(&pt))}
		for _, r := range append([]*report.Report{pt.Report}, pt.Repeats...) {
			var b bytes.Buffer
			if err := text.WriteText(&b, r); err != nil {
				return fmt.Errorf("write HTML sweep: %w", err)
			}
			hp.Reports = append(hp.Reports, b.String())
		}
		p.Points = append(p.Points, hp)
	}
	bw := bufio.NewWriter(w)
	if err := htmlTemplate.Execute(bw, p); err != nil {
		return fmt.Errorf("write HTML sweep: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write HTML sweep: %w", err)
	}
	return nil
}

func sloLabel(s *Sweep) string {
	line, what := s.sloLine()
	if line <= 0 {
		return ""
	}
	return what + " " + report.ShortMs(line)
}

// Chart geometry, in CSS pixels.
const (
	svgW, svgH             = 960.0, 380.0
	padL, padR, padT, padB = 70.0, 20.0, 20.0, 50.0
)

// svgChart draws the p99 latencies against the parameter: x by value (on a
// log scale when the values span a decade or more), y on a log scale.
func (s *Sweep) svgChart() template.HTML {
	main, complex := s.series()
	var b strings.Builder
	fmt.Fprintf(&b, `<svg viewBox="0 0 %g %g" role="img" aria-label="p99 latency by %s">`, svgW, svgH, esc(s.Parameter))
	if len(s.Points) == 0 {
		b.WriteString(`<text x="480" y="190" text-anchor="middle" class="tick">no point was measured</text></svg>`)
		return template.HTML(b.String())
	}
	x := s.xScale()
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range append(append([]float64{}, main...), complex...) {
		if !math.IsNaN(v) {
			lo, hi = math.Min(lo, math.Log10(math.Max(v, 0.001))), math.Max(hi, math.Log10(math.Max(v, 0.001)))
		}
	}
	sloMs, _ := s.sloLine()
	if sloMs > 0 {
		lo, hi = math.Min(lo, math.Log10(sloMs)), math.Max(hi, math.Log10(sloMs))
	}
	if math.IsInf(lo, 0) {
		lo, hi = -1, 0
	}
	lo, hi = math.Floor(lo), math.Max(math.Ceil(hi), math.Floor(lo)+1)
	y := func(ms float64) float64 {
		v := math.Log10(math.Max(ms, 0.001))
		return padT + (svgH-padT-padB)*(1-(v-lo)/(hi-lo))
	}
	for d := lo; d <= hi; d++ {
		ms := math.Pow(10, d)
		fmt.Fprintf(&b, `<line class="grid" x1="%g" x2="%g" y1="%.1f" y2="%.1f"/><text class="tick" x="%g" y="%.1f" text-anchor="end">%s</text>`,
			padL, svgW-padR, y(ms), y(ms), padL-6, y(ms)+4, esc(report.ShortMs(ms)))
	}
	base := svgH - padB
	fmt.Fprintf(&b, `<line class="axis" x1="%g" x2="%g" y1="%g" y2="%g"/>`, padL, svgW-padR, base, base)
	for _, p := range s.Points {
		fmt.Fprintf(&b, `<text class="tick" x="%.1f" y="%g" text-anchor="middle">%s</text>`, x(p.Value), base+18, esc(p.Label))
	}
	fmt.Fprintf(&b, `<text class="tick" x="%g" y="%g" text-anchor="middle">%s</text>`, (padL+svgW-padR)/2, svgH-8, esc(s.Parameter))
	if sloMs > 0 {
		fmt.Fprintf(&b, `<line class="slo" x1="%g" x2="%g" y1="%.1f" y2="%.1f"/><text class="slo-label" x="%g" y="%.1f" text-anchor="end">%s</text>`,
			padL, svgW-padR, y(sloMs), y(sloMs), svgW-padR, y(sloMs)-5, esc(sloLabel(s)))
	}
	if s.Capacity != nil {
		cx := x(*s.Capacity)
		fmt.Fprintf(&b, `<line class="cap" x1="%.1f" x2="%.1f" y1="%g" y2="%g"/><text class="cap-label" x="%.1f" y="%g">capacity %s</text>`,
			cx, cx, padT, base, cx+4, padT+12, esc(s.CapacityLabel()))
	}
	for _, series := range []struct {
		vals  []float64
		class string
	}{{complex, "complex"}, {main, "main"}} {
		var pts []string
		for i, v := range series.vals {
			if !math.IsNaN(v) {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(s.Points[i].Value), y(v)))
			}
		}
		fmt.Fprintf(&b, `<polyline class="%s" points="%s"/>`, series.class, strings.Join(pts, " "))
		for i, v := range series.vals {
			if math.IsNaN(v) {
				continue
			}
			p := s.Points[i]
			dot := "dot-" + series.class
			if !p.Met && series.class == "main" {
				dot = "dot-broken"
			}
			title := fmt.Sprintf("%s %s: %s p99 %s, %s", s.Parameter, p.Label, map[string]string{"main": "MainHandler", "complex": "ComplexHandler"}[series.class],
				report.FormatMs(v), sloWord(&p))
			fmt.Fprintf(&b, `<a href="#point-%d"><circle class="%s" cx="%.1f" cy="%.1f" r="4.5"><title>%s</title></circle></a>`,
				p.Measured, dot, x(p.Value), y(v), esc(title))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // every string in it went through esc
}

// xScale maps a value of the parameter onto the chart's width: on a log
// scale when the values are all above zero and span a decade or more.
func (s *Sweep) xScale() func(float64) float64 {
	first, last := s.Points[0].Value, s.Points[len(s.Points)-1].Value
	f := func(v float64) float64 { return v }
	if first > 0 && last/first >= 10 {
		f = math.Log10
	}
	a, z := f(first), f(last)
	return func(v float64) float64 {
		if z == a {
			return (padL + svgW - padR) / 2
		}
		return padL + 10 + (svgW-padL-padR-20)*(f(v)-a)/(z-a)
	}
}

func esc(s string) string { return html.EscapeString(s) }
