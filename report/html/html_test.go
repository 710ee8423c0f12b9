package html

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

// htmlFixtures are the pages the HTML tests render: one run of each kind
// and a comparison of several.
func htmlFixtures(t *testing.T) map[string][]*report.Report {
	t.Helper()
	return map[string][]*report.Report{
		"blocking": {fixture.Timeline(t, "blocking_starved")},
		"async":    {fixture.Timeline(t, "async_not_starved")},
		"external": {fixture.Timeline(t, "external_errors")},
		"partial":  {fixture.Timeline(t, "blocking_partial")},
		"compare":  {fixture.Timeline(t, "blocking_starved"), fixture.Timeline(t, "async_not_starved"), fixture.Timeline(t, "external_errors")},
		"agent":    {fixture.Timeline(t, "external_agent")},
		"mixed":    {fixture.Timeline(t, "blocking_starved"), fixture.Timeline(t, "external_agent")},
		"merged":   {fixture.Merged(t)},
	}
}

// TestHTMLStructure parses each page and checks what it must hold: one
// chart per run for each of the four charts, the verdicts, the tables and
// the command.
func TestHTMLStructure(t *testing.T) {
	for name, runs := range htmlFixtures(t) {
		t.Run(name, func(t *testing.T) {
			page := fixture.Written(t, WriteHTML, runs)
			doc, err := html.Parse(strings.NewReader(page))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			count := map[string]int{}
			var text strings.Builder
			walk(doc, func(n *html.Node) {
				switch n.Type {
				case html.ElementNode:
					count[n.Data]++
				case html.TextNode:
					text.WriteString(n.Data + " ")
				}
			})
			if want := 4 * len(runs); count["svg"] != want {
				t.Errorf("%d <svg> elements, want %d (four charts per run)", count["svg"], want)
			}
			if count["script"] != 0 {
				t.Errorf("%d <script> elements; the report needs none", count["script"])
			}
			if count["title"] < 10 {
				t.Errorf("only %d <title> elements: tooltips missing", count["title"])
			}
			body := text.String()
			for _, r := range runs {
				for _, want := range []string{r.Verdict.Summary, r.Command, "ComplexHandler", "MainHandler"} {
					if !strings.Contains(body, want) {
						t.Errorf("page text lacks %q", want)
					}
				}
			}
			if !strings.Contains(strings.ToLower(body), "starved") {
				t.Error("page text never says starved")
			}
			for _, want := range []string{"Request timeline", "MainHandler latency by send time", "Latency distribution by percentile", "Event loop ", "p99"} {
				if !strings.Contains(body, want) {
					t.Errorf("page lacks %q", want)
				}
			}
		})
	}
}

func walk(n *html.Node, visit func(*html.Node)) {
	visit(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, visit)
	}
}

// resourceAttrs are the attributes through which a page makes the browser
// fetch something.
var resourceAttrs = map[string]bool{
	"src": true, "href": true, "xlink:href": true, "srcset": true, "action": true,
	"formaction": true, "poster": true, "data": true, "background": true, "ping": true,
}

// TestHTMLSelfContained checks that the page fetches nothing: no script or
// stylesheet link, no attribute or CSS url() that names a resource, and no
// "http://" or "https://" anywhere but in the reports' own text (an
// external target's URL).
func TestHTMLSelfContained(t *testing.T) {
	cssURL := regexp.MustCompile(`(?i)url\(|@import`)
	for name, runs := range htmlFixtures(t) {
		t.Run(name, func(t *testing.T) {
			page := fixture.Written(t, WriteHTML, runs)
			doc, err := html.Parse(strings.NewReader(page))
			if err != nil {
				t.Fatal(err)
			}
			walk(doc, func(n *html.Node) {
				if n.Type != html.ElementNode {
					return
				}
				for _, a := range n.Attr {
					name := strings.ToLower(a.Key)
					if a.Namespace != "" {
						name = a.Namespace + ":" + name
					}
					if resourceAttrs[name] && a.Val != "data:," {
						t.Errorf("<%s %s=%q> refers to a resource", n.Data, name, a.Val)
					}
					if name == "style" && cssURL.MatchString(a.Val) {
						t.Errorf("<%s style=%q> refers to a resource", n.Data, a.Val)
					}
				}
				switch n.Data {
				case "script", "iframe", "object", "embed", "img", "image", "use", "audio", "video", "source", "base":
					t.Errorf("<%s> element in a self-contained page", n.Data)
				case "link": // allowed only for the inline data: icon, whose href is checked above
				case "style":
					if n.FirstChild != nil && cssURL.MatchString(n.FirstChild.Data) {
						t.Error("the stylesheet refers to a resource (url() or @import)")
					}
				}
			})
			rest := page
			for _, r := range runs {
				rest = strings.ReplaceAll(rest, r.Target, "")
				rest = strings.ReplaceAll(rest, html.EscapeString(r.Command), "")
				if r.Loop != nil && r.Loop.Agent != nil {
					rest = strings.ReplaceAll(rest, r.Loop.Agent.URL, "")
				}
				for _, q := range r.Requests {
					if q.Detail != "" {
						rest = strings.ReplaceAll(rest, html.EscapeString(q.Detail), "")
					}
				}
			}
			if i := strings.Index(rest, "http://"); i >= 0 {
				t.Errorf("http:// in the page: %q", rest[max(i-80, 0):min(i+80, len(rest))])
			}
			if i := strings.Index(rest, "https://"); i >= 0 {
				t.Errorf("https:// in the page: %q", rest[max(i-80, 0):min(i+80, len(rest))])
			}
			if !strings.Contains(page, "Content-Security-Policy") {
				t.Error("no Content-Security-Policy forbidding fetches")
			}
		})
	}
}

// TestHTMLSharedAxes checks that runs side by side share their axes: every
// panel of a chart has the same size and the same tick labels.
func TestHTMLSharedAxes(t *testing.T) {
	runs := htmlFixtures(t)["compare"]
	cs := newChartSet(runs)
	charts := []struct {
		name string
		draw func(*report.Report) string
	}{
		{"gantt", func(r *report.Report) string { return string(cs.gantt(r)) }},
		{"latency", func(r *report.Report) string { return string(cs.latencyBySendTime(r)) }},
		{"percentiles", func(r *report.Report) string { return string(cs.percentiles(r)) }},
	}
	tickText := regexp.MustCompile(`<text[^>]*class="tick"[^>]*>([^<]*)</text>`)
	header := regexp.MustCompile(`^<svg [^>]*>`)
	for _, c := range charts {
		t.Run(c.name, func(t *testing.T) {
			var firstTicks, firstHeader string
			for i, r := range runs {
				svg := c.draw(r)
				var ts []string
				for _, m := range tickText.FindAllStringSubmatch(svg, -1) {
					ts = append(ts, m[1])
				}
				h := header.FindString(svg)
				h = h[:strings.Index(h, "aria-label")]
				if i == 0 {
					firstTicks, firstHeader = strings.Join(ts, ","), h
					continue
				}
				if got := strings.Join(ts, ","); got != firstTicks {
					t.Errorf("%s: ticks %s, want those of %s: %s", r.Name(), got, runs[0].Name(), firstTicks)
				}
				if h != firstHeader {
					t.Errorf("%s: %s, want %s", r.Name(), h, firstHeader)
				}
			}
		})
	}
}

// TestHTMLRamp checks that the latency chart of the blocking run is the
// falling ramp: the probes' dots go down from left to right.
func TestHTMLRamp(t *testing.T) {
	svg := string(newChartSet(htmlFixtures(t)["blocking"]).latencyBySendTime(fixture.Timeline(t, "blocking_starved")))
	dot := regexp.MustCompile(`<circle cx="([\d.]+)" cy="([\d.]+)" r="[\d.]+" class="dot main">`)
	ms := dot.FindAllStringSubmatch(svg, -1)
	if len(ms) != 100 {
		t.Fatalf("%d dots of probes under load, want 100", len(ms))
	}
	// In SVG, y grows downwards: a falling ramp has growing y.
	if first, last := ms[0][2], ms[len(ms)-1][2]; !(atof(first) < atof(last)) {
		t.Errorf("first probe at y=%s, last at y=%s: not a falling ramp", first, last)
	}
}

func atof(s string) float64 {
	v, _ := strconv.ParseFloat(s, 64)
	return v
}

func TestPercentileSeries(t *testing.T) {
	r := fixture.Report(t, "blocking_starved")
	series := percentileSeries(r)
	names := map[string]int{}
	for _, s := range series {
		names[s.name] = int(s.n)
		for i := 1; i < len(s.buckets); i++ {
			if s.buckets[i].Ms < s.buckets[i-1].Ms {
				t.Fatalf("%s not sorted", s.name)
			}
		}
	}
	want := map[string]int{"MainHandler baseline": 20, "MainHandler loaded -U": 100, "MainHandler loaded": 100, "ComplexHandler loaded": 1}
	for k, n := range want {
		if names[k] != n {
			t.Errorf("%s: %d values, want %d", k, names[k], n)
		}
	}
	if got := percentileLabel(100); got != "99%" {
		t.Errorf("percentileLabel(100) = %q, want 99%%", got)
	}
}

func TestHTMLEscapes(t *testing.T) {
	r := fixture.Report(t, "async_not_starved")
	r.Label = `<script>alert("x")</script>`
	r.Command = `blockprobe run --main-path "/<b>"`
	page := fixture.Written(t, WriteHTML, []*report.Report{r})
	if strings.Contains(page, "<script>") || strings.Contains(page, "<b>") {
		t.Error("a label or command reached the page unescaped")
	}
}
