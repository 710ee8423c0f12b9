package html

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

// TestHTMLShardTable checks that a merged report's page lists its shards,
// as the text and Markdown reports do: each shard's source, counts, start
// offset, lateness, generator lag and own verdict, under the book's title.
func TestHTMLShardTable(t *testing.T) {
	r := fixture.Merged(t)
	doc := parsePage(t, []*report.Report{r})
	var table *html.Node
	for _, c := range findAll(doc, element("caption", "", "")) {
		if textOf(c) == report.ShardTitle {
			table = c.Parent
		}
	}
	if table == nil {
		t.Fatalf("no table captioned %q", report.ShardTitle)
	}
	got := tableRows(table)
	want := [][]string{
		{"shard", "source", "baseline", "probes", "complex", "start offset", "late", "generator lag p99", "own verdict"},
		{"0/3", "r0.json", "20", "34", "1", "+0ms", "-", "60µs", "STARVED"},
		{"1/3", "r1.json", "0", "33", "0", "+2ms", "-", "60µs", "STARVED"},
		{"2/3", "r2.json", "0", "33", "0", "+0ms", "-", "3.00ms", "STARVED"},
	}
	if !slices.EqualFunc(got, want, slices.Equal[[]string]) {
		t.Errorf("shard table\n%q\nwant\n%q", got, want)
	}
	// Counts and the generator lag are numbers: right-aligned.
	for _, td := range findAll(table, element("td", "", "")) {
		if text := textOf(td); strings.HasSuffix(text, "µs") && !hasClass(td, "num") {
			t.Errorf("cell %q is not aligned as a number", text)
		}
	}

	t.Run("no shard table for a single run", func(t *testing.T) {
		page := fixture.Written(t, WriteHTML, []*report.Report{fixture.Report(t, "blocking_starved")})
		if strings.Contains(page, "Shards merged") {
			t.Error("a single run's page lists shards")
		}
	})
}
