package export

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

// The diff in Markdown and JSON says what the text says: each figure, the
// regressions, and the runs found on one side only.
func TestWriteDiffMarkdownAndJSON(t *testing.T) {
	oldRuns := fixture.Compare(t) // the interrupted run answered no probe
	newRuns := fixture.Compare(t)[1:]
	newRuns[0].Endpoints.Main.Loaded.P99Ms *= 2 // async: 0.55ms -> 1.1ms, a regression past the 0.1ms floor
	changes, only := report.Diff(oldRuns, newRuns, 0.1, 0.1)

	var md bytes.Buffer
	if err := WriteDiffMarkdown(&md, changes, only); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"**1 regression beyond 10% (and 0.1ms)**",
		"not compared, found on one side only: blocking",
		"| async | main.loaded.p99 | 550µs | 1.10ms | +100.0% | REGRESSION |",
		"| blocking cut/short | main.loaded.p99 | — | — |  |  |",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md.String())
		}
	}
	if tables := markdownTables(t, md.String()); len(tables) != 1 || len(tables[0]) != len(changes)+1 {
		t.Errorf("want one table of %d rows and the header:\n%s", len(changes), md.String())
	}

	var js bytes.Buffer
	if err := report.WriteDiffJSON(&js, 0.1, 0.1, changes, only); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Regressions int
		Only        []string
		Changes     []struct {
			Run, Figure string
			Old, New    *float64
			DeltaPct    *float64 `json:"delta_pct"`
			Regression  bool
		}
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Regressions != 1 || len(doc.Only) != 1 || doc.Only[0] != "blocking" {
		t.Errorf("regressions %d, only %q; want 1 and [blocking]", doc.Regressions, doc.Only)
	}
	for _, c := range doc.Changes {
		if c.Run == "blocking cut/short" && c.Figure == "main.loaded.p99" && (c.Old != nil || c.New != nil || c.DeltaPct != nil) {
			t.Errorf("a p99 with no answer behind it is not null: %+v", c)
		}
		if c.Run == "async" && c.Figure == "main.loaded.p99" && (!c.Regression || c.DeltaPct == nil || *c.DeltaPct != 100) {
			t.Errorf("async p99 doubled: %+v", c)
		}
	}
}
