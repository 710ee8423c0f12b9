package html

import (
	"reflect"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

// parsePage renders runs as HTML and parses the page.
func parsePage(t *testing.T, runs []*report.Report) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(fixture.Written(t, WriteHTML, runs)))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return doc
}

// findAll returns the elements under n that match, in document order.
func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	walk(n, func(c *html.Node) {
		if c.Type == html.ElementNode && match(c) {
			out = append(out, c)
		}
	})
	return out
}

// element matches an element by its tag and, if not empty, an attribute's
// value: element("section", "id", "loop").
func element(tag, attr, val string) func(*html.Node) bool {
	return func(n *html.Node) bool {
		if n.Data != tag {
			return false
		}
		if attr == "" {
			return true
		}
		for _, a := range n.Attr {
			if a.Key == attr && (a.Val == val || strings.Contains(" "+a.Val+" ", " "+val+" ")) {
				return true
			}
		}
		return false
	}
}

// textOf is the text under n, its pieces joined by blanks.
func textOf(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data + " ")
		}
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

// loopSection is what the page says of the loop chart: its title,
// description, legend and each panel's caption (without the SVG's).
type loopSection struct {
	title, desc, legend string
	captions            []string
}

func readLoopSection(t *testing.T, doc *html.Node) loopSection {
	t.Helper()
	secs := findAll(doc, element("section", "id", "loop"))
	if len(secs) != 1 {
		t.Fatalf("%d loop sections, want 1", len(secs))
	}
	sec := secs[0]
	var out loopSection
	out.title = textOf(findAll(sec, element("h2", "", ""))[0])
	out.desc = textOf(findAll(sec, element("p", "class", "desc"))[0])
	out.legend = textOf(findAll(sec, element("p", "class", "legend"))[0])
	for _, fig := range findAll(sec, element("figure", "", "")) {
		caption := ""
		for c := fig.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.Data == "figcaption" && !hasClass(c, "run") {
				caption = textOf(c)
			}
		}
		out.captions = append(out.captions, caption)
	}
	return out
}

// tableRows are the texts of the cells of table, a row per row, the
// header's first.
func tableRows(table *html.Node) [][]string {
	var rows [][]string
	for _, tr := range findAll(table, element("tr", "", "")) {
		var cells []string
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				cells = append(cells, textOf(c))
			}
		}
		rows = append(rows, cells)
	}
	return rows
}

func hasClass(n *html.Node, class string) bool {
	return element(n.Data, "class", class)(n)
}

// TestHTMLSaysWhatMeasuredTheLoop checks that the loop chart speaks of what
// measured each run's loop: the embedded target's heartbeat, a loop agent
// with its runtime, blockprobe serve read over HTTP, or nothing; and that
// a lag nothing measured is not shown as a figure.
func TestHTMLSaysWhatMeasuredTheLoop(t *testing.T) {
	agent := func(edit func(*report.Loop)) *report.Report {
		r := fixture.Timeline(t, "external_agent")
		edit(r.Loop)
		return r
	}
	cases := []struct {
		name              string
		runs              []*report.Report
		title             string
		desc, notDesc     []string
		legend, notLegend []string
		captions          [][]string // per panel, what it says
		notCaption        []string
	}{
		{
			name: "embedded", runs: []*report.Report{fixture.Timeline(t, "blocking_starved")},
			title: "Event loop lag", desc: []string{"The embedded target's loop runs a heartbeat every 10ms"}, notDesc: []string{"agent"},
			legend: []string{"heartbeat", "loop stuck"}, notLegend: []string{"agent"},
			captions: [][]string{{"Slowest callback 5.00s in ComplexHandler.",
				"Measured by the embedded target's loop, by a heartbeat every 10ms and the time of each callback; lag p99 4.95s (max 4.99s)"}},
		},
		{
			name: "Python agent", runs: []*report.Report{fixture.Timeline(t, "external_agent")},
			title: "Event loop stalls", desc: []string{"A loop agent in the server times each stall"}, notDesc: []string{"heartbeat every", "embedded"},
			legend: []string{"stall: the loop held past the agent's threshold"}, notLegend: []string{"heartbeat"},
			captions: [][]string{{"Slowest stall 5.00s in BlockingComplexHandler.get at examples/tornado/server.py:75 `time.sleep(self.delay)`.",
				"Measured by the loop agent agent-python (CPython 3.11.2, tornado 6.2) in the server, at http://127.0.0.1:9999/debug/loop",
				"lag p99 5.00s (max 5.00s)", "3 stalls over 20ms"}},
		},
		{
			name: "Node agent without a lag histogram: no lag, not 0",
			runs: []*report.Report{agent(func(l *report.Loop) {
				l.Agent.Source, l.Agent.Runtime, l.Agent.Heartbeats = "agent-node", "Node v20.19.2", 0
				l.LagP50Ms, l.LagP99Ms, l.LagMaxMs = 0, 0, 0
			})},
			title:      "Event loop stalls",
			captions:   [][]string{{"Measured by the loop agent agent-node (Node v20.19.2) in the server"}},
			notCaption: []string{"lag", "0µs", "heartbeat"},
		},
		{
			name: "blockprobe serve read over HTTP",
			runs: []*report.Report{agent(func(l *report.Loop) {
				l.Agent.Source, l.Agent.Runtime = report.SourceEmbedded, "blockprobe dev"
			})},
			captions: [][]string{{"Measured by blockprobe serve's embedded loop, at http://127.0.0.1:9999/debug/loop"}},
		},
		{
			name: "an agent that never answered",
			runs: []*report.Report{agent(func(l *report.Loop) {
				*l = report.Loop{Source: report.SourceAgent, Agent: &report.LoopAgent{URL: "http://127.0.0.1:9999/debug/loop"}, Lost: "connection refused"}
			})},
			captions:   [][]string{{"The loop agent at http://127.0.0.1:9999/debug/loop never answered, so no handler is named (connection refused)."}},
			notCaption: []string{"Measured by", "lag"},
		},
		{
			name: "embedded and agent side by side", runs: htmlFixtures(t)["mixed"],
			title: "Event loop lag and stalls", desc: []string{"heartbeat every 10ms", "A loop agent in the server", "Under each chart: what measured that loop."},
			legend: []string{"heartbeat", "stall: the loop held past"},
			captions: [][]string{{"Measured by the embedded target's loop"},
				{"Measured by the loop agent agent-python (CPython 3.11.2, tornado 6.2)"}},
		},
		{
			name: "no loop figures", runs: []*report.Report{fixture.Timeline(t, "external_errors")},
			title: "Event loop lag", desc: []string{"No run has loop figures", "agents/README.md"}, notDesc: []string{"heartbeat every"},
			notLegend: []string{"heartbeat", "stall"}, captions: [][]string{{""}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := readLoopSection(t, parsePage(t, tc.runs))
			if tc.title != "" && got.title != tc.title {
				t.Errorf("title %q, want %q", got.title, tc.title)
			}
			contains(t, "description", got.desc, tc.desc, tc.notDesc)
			contains(t, "legend", got.legend, tc.legend, tc.notLegend)
			if len(got.captions) != len(tc.runs) {
				t.Fatalf("%d captions, want one per run (%d)", len(got.captions), len(tc.runs))
			}
			for i, want := range tc.captions {
				contains(t, "caption of "+tc.runs[i].Name(), got.captions[i], want, tc.notCaption)
			}
		})
	}
}

func contains(t *testing.T, what, got string, want, not []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s %q lacks %q", what, got, w)
		}
	}
	for _, n := range not {
		if strings.Contains(got, n) {
			t.Errorf("%s %q says %q", what, got, n)
		}
	}
}

// TestHTMLStallTable checks that the stalls of an agent's run are in a
// table, numbered as the chart labels them, with the handler, the request
// and the innermost frame's file:line and code, and are not listed again
// in words.
func TestHTMLStallTable(t *testing.T) {
	r := fixture.Timeline(t, "external_agent")
	doc := parsePage(t, []*report.Report{r})
	var table *html.Node
	for _, h := range findAll(doc, element("h4", "", "")) {
		if textOf(h) != "Loop stalls" {
			continue
		}
		// The table is the element right after its heading.
		for c := h.NextSibling; c != nil && table == nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				if tables := findAll(c, element("table", "class", "figures")); len(tables) > 0 {
					table = tables[0]
				}
				break
			}
		}
	}
	if table == nil {
		t.Fatal("no table under a heading Loop stalls")
	}
	rows := tableRows(table)
	want := [][]string{
		{"#", "at", "for", "handler", "request", "where", "code"},
		{"1", "46.1ms", "5.00s", "BlockingComplexHandler.get", "GET /complex", "examples/tornado/server.py:75", "time.sleep(self.delay)"},
		{"2", "5.08s", "31.40ms", "ReportHandler.get", "GET /report", "", ""},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("stall table\n%q\nwant\n%q", rows, want)
	}
	// The chart labels the same stalls by the same numbers.
	var labels []string
	for _, n := range findAll(doc, element("text", "class", "stall-label")) {
		labels = append(labels, textOf(n))
	}
	if wantLabels := []string{"1 BlockingComplexHandler.get server.py:75", "2 ReportHandler.get"}; !reflect.DeepEqual(labels, wantLabels) {
		t.Errorf("chart labels %q, want %q", labels, wantLabels)
	}
	for _, p := range findAll(doc, element("p", "class", "loop")) {
		if text := textOf(p); strings.Contains(text, "stall at") {
			t.Errorf("the stalls are listed again in words: %q", text)
		}
	}

	t.Run("more stalls than the table lists", func(t *testing.T) {
		r := fixture.Timeline(t, "external_agent")
		for i := range 6 {
			r.Loop.Stalls = append(r.Loop.Stalls, report.Stall{StartMs: 5200 + float64(i)*10, DurationMs: 21, Request: "GET /tiny"})
		}
		page := fixture.Written(t, WriteHTML, []*report.Report{r})
		if !strings.Contains(page, "... 3 stalls more, shorter") {
			t.Error("the page does not say how many stalls it left out")
		}
	})
	t.Run("no table without stalls to list", func(t *testing.T) {
		for _, name := range []string{"blocking_starved", "external_errors"} {
			page := fixture.Written(t, WriteHTML, []*report.Report{fixture.Timeline(t, name)})
			if strings.Contains(page, "Loop stalls") {
				t.Errorf("%s: a stall table without stalls", name)
			}
		}
	})
}
