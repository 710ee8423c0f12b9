package sweep

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

// pointReport is a hand-built report of a blocking run whose loop was
// blocked for delayMs at a time: MainHandler waits up to the delay.
func pointReport(delayMs float64, met bool) *report.Report {
	stats := func(count int, p50, p99 float64) report.Stats {
		return report.Stats{Count: count, OK: count, MinMs: p50 / 10, P50Ms: p50, P90Ms: p99 * 0.9, P99Ms: p99, MaxMs: p99 * 1.01, MeanMs: p50}
	}
	r := &report.Report{
		Mode: "blocking", Target: report.TargetEmbedded, Started: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC),
		Config: report.Config{ComplexDelayMs: delayMs, Pool: 5, Work: "sleep", Concurrency: 1, Rate: 50, Baseline: 20,
			DurationMs: 1000, TimeoutMs: 30000, StarveThresholdMs: 50, MainPath: "/", ComplexPath: "/complex"},
		LoadApplied: 1000 / delayMs,
		Requests:    []report.Request{},
	}
	r.Endpoints.Main.Baseline = stats(20, 0.03, 0.05)
	r.Endpoints.Main.Loaded = stats(50, delayMs/2, delayMs)
	r.Endpoints.Main.LoadedUncorrected = stats(50, delayMs/2, delayMs)
	r.Endpoints.Complex.Loaded = stats(int(1000/delayMs), delayMs, delayMs+0.4)
	r.Verdict = report.Verdict{Starved: !met, Conclusive: true, MainP99BaselineMs: 0.05, MainP99LoadedMs: delayMs,
		ThresholdMs: 50, ExcessMs: delayMs - 0.05, Probes: 50}
	r.Verdict.Summary = report.VerdictLine(r.Verdict)
	return r
}

// fixtureSweep is a sweep over the blocking delay at the default SLO, its
// points measured in the order given.
func fixtureSweep(search string, values ...float64) *Sweep {
	s := &Sweep{Version: Version, Parameter: "complex-delay", Unit: Millis, Search: search, SLO: []string{"not-starved"},
		Mode: "blocking", Target: report.TargetEmbedded, Command: "blockprobe sweep --mode blocking --vary complex-delay=10ms,30ms,100ms,300ms",
		Started: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC), ElapsedMs: 6120}
	for _, v := range values {
		met := v < 50
		s.Add(Point{Value: v, Met: met, Runs: 1, MetRuns: map[bool]int{true: 1}[met], Report: pointReport(v, met)})
	}
	return s
}

func TestCapacity(t *testing.T) {
	cases := []struct {
		name        string
		met         map[float64]bool
		capacity    string
		firstBroken string
		summary     string
		notes       int
	}{
		{"breaks between two values", map[float64]bool{10: true, 30: true, 100: false, 300: false}, "30ms", "100ms",
			"30ms, the largest complex-delay that met the SLO (not starved); 100ms broke it", 0},
		{"the lowest already breaks", map[float64]bool{10: false, 30: false}, "none", "10ms",
			"none: complex-delay 10ms, the lowest tried, already broke the SLO (not starved)", 0},
		{"nothing breaks", map[float64]bool{10: true, 30: true}, ">= 30ms", "",
			"at least 30ms: every complex-delay tried met the SLO (not starved); try higher values", 0},
		{"a met value above a broken one does not count", map[float64]bool{10: true, 30: false, 100: true}, "10ms", "30ms",
			"10ms, the largest complex-delay that met the SLO (not starved); 30ms broke it", 1},
		{"more helps: the smallest value that met it is noted", map[float64]bool{10: false, 30: false, 100: true, 300: true}, "none", "10ms",
			"none: complex-delay 10ms, the lowest tried, already broke the SLO (not starved)", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := &Sweep{Parameter: "complex-delay", Unit: Millis, SLO: []string{"not-starved"}}
			// Measured from the top down: the order of measurement does not matter.
			for _, v := range []float64{300, 100, 30, 10} {
				if met, ok := tc.met[v]; ok {
					s.Add(Point{Value: v, Met: met, Report: pointReport(v, met)})
				}
			}
			if got := s.CapacityLabel(); got != tc.capacity {
				t.Errorf("capacity %s, want %s", got, tc.capacity)
			}
			broken := ""
			if s.FirstBroken != nil {
				broken = s.Unit.Format(*s.FirstBroken)
			}
			if broken != tc.firstBroken || s.Summary != tc.summary || len(s.Notes) != tc.notes {
				t.Errorf("first broken %q, summary %q, notes %q", broken, s.Summary, s.Notes)
			}
			for i := 1; i < len(s.Points); i++ {
				if s.Points[i].Value < s.Points[i-1].Value {
					t.Errorf("points out of order: %v before %v", s.Points[i-1].Value, s.Points[i].Value)
				}
			}
		})
	}
}

func TestCapacityExpectations(t *testing.T) {
	found := fixtureSweep(SearchVary, 10, 30, 100, 300)
	unbounded := fixtureSweep(SearchVary, 10, 30)
	none := fixtureSweep(SearchVary, 100, 300)
	cases := []struct {
		expect string
		s      *Sweep
		ok     bool
		got    string
	}{
		{"capacity==30ms", found, true, "30ms"},
		{"capacity>=100ms", found, false, "30ms"},
		{"capacity<=60ms", found, true, "30ms"},
		{"capacity >= 0.03s", found, true, "30ms"},
		{"capacity>=20ms", unbounded, true, "at least 30ms (every value tried met the SLO)"},
		{"capacity<=60ms", unbounded, false, "at least 30ms (every value tried met the SLO)"},
		{"capacity>=10ms", none, false, "no capacity (100ms, the lowest value tried, already broke the SLO)"},
	}
	for _, tc := range cases {
		t.Run(tc.expect, func(t *testing.T) {
			e, err := ParseExpectation(tc.expect, Millis)
			if err != nil {
				t.Fatal(err)
			}
			if ok, got := e.Check(tc.s); ok != tc.ok || got != tc.got {
				t.Errorf("Check = %v, %q; want %v, %q", ok, got, tc.ok, tc.got)
			}
		})
	}
	for _, bad := range []string{"capacity>=8", "main.loaded.p99<50ms", "capacity", "starved", "capacity~30ms"} {
		if _, err := ParseExpectation(bad, Millis); err == nil {
			t.Errorf("ParseExpectation(%q) in ms: no error", bad)
		}
	}
	if e, err := ParseExpectation("capacity>=8", Count); err != nil || e.Value != 8 {
		t.Errorf("capacity>=8 as a count: %+v, %v", e, err)
	}
}

func TestUnits(t *testing.T) {
	cases := []struct {
		unit  Unit
		in    string
		value float64
		out   string
	}{
		{Millis, "30ms", 30, "30ms"},
		{Millis, "1.5s", 1500, "1.5s"},
		{Millis, "250us", 0.25, "0.25ms"},
		{Count, "8", 8, "8"},
		{PerSec, "12.5", 12.5, "12.5/s"},
		{PerSec, "20/s", 20, "20/s"},
	}
	for _, tc := range cases {
		v, err := tc.unit.Parse(tc.in)
		if err != nil || v != tc.value || tc.unit.Format(v) != tc.out {
			t.Errorf("%s %q: %v (%v), shown %q; want %v, %q", tc.unit, tc.in, v, err, tc.unit.Format(v), tc.value, tc.out)
		}
	}
	for _, bad := range []struct {
		unit Unit
		in   string
	}{{Millis, "30"}, {Count, "NaN"}, {PerSec, "fast"}} {
		if _, err := bad.unit.Parse(bad.in); err == nil {
			t.Errorf("%s %q: no error", bad.unit, bad.in)
		}
	}
}

func TestRenderings(t *testing.T) {
	s := fixtureSweep(SearchVary, 10, 30, 100, 300)
	cases := []struct {
		golden string
		write  func(*bytes.Buffer) error
	}{
		{"text.golden", func(b *bytes.Buffer) error { return WriteText(b, s, false) }},
		{"markdown.golden", func(b *bytes.Buffer) error { return WriteMarkdown(b, s) }},
		{"csv.golden", func(b *bytes.Buffer) error { return WriteCSV(b, s) }},
	}
	for _, tc := range cases {
		t.Run(tc.golden, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.write(&buf); err != nil {
				t.Fatal(err)
			}
			fixture.GoldenIn(t, "sweep", tc.golden, buf.Bytes())
		})
	}
	t.Run("json", func(t *testing.T) {
		var buf bytes.Buffer
		if err := WriteJSON(&buf, s); err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Capacity    float64 `json:"capacity"`
			FirstBroken float64 `json:"first_broken"`
			Points      []struct {
				Value  float64 `json:"value"`
				Met    bool    `json:"met"`
				Report struct {
					Verdict struct {
						Starved bool `json:"starved"`
					} `json:"verdict"`
				} `json:"report"`
			} `json:"points"`
		}
		if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Capacity != 30 || doc.FirstBroken != 100 || len(doc.Points) != 4 || !doc.Points[3].Report.Verdict.Starved {
			t.Errorf("JSON sweep: %+v", doc)
		}
	})
}

// The HTML page is self-contained, and every point on the chart and every
// row of the table links to the point's report on the page.
func TestHTML(t *testing.T) {
	s := fixtureSweep(SearchFindMax, 10, 30, 100, 300)
	var buf bytes.Buffer
	if err := WriteHTML(&buf, s); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	ids, links := map[string]bool{}, map[string]int{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for _, a := range n.Attr {
			switch {
			case a.Key == "id":
				ids[a.Val] = true
			case a.Key == "href" && strings.HasPrefix(a.Val, "#"):
				links[a.Val[1:]]++
			case (a.Key == "src" || a.Key == "href") && a.Val != "data:,":
				t.Errorf("the page refers to %s=%q", a.Key, a.Val)
			}
		}
		if n.Type == html.ElementNode && n.Data == "script" {
			t.Error("the page has a script")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for i := 1; i <= 4; i++ {
		id := "point-" + itoa(i)
		if !ids[id] || links[id] < 2 {
			t.Errorf("%s: section %v, %d links (want the table's and the chart's)", id, ids[id], links[id])
		}
	}
	for _, want := range []string{"Capacity: 30ms", `class="slo"`, `class="cap"`, "MainHandler STARVED: p99 100ms"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}
