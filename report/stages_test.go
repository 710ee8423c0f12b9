package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/blockprobe/blockprobe/probe"
)

// stagedRun is a blocking run in two stages: a second without load, then a
// second in which one ComplexHandler request blocks the loop for 800ms.
// The probes of the first stage are answered at once, those of the second
// wait for the block: the first stage has no verdict (no load), the second
// is starved.
func stagedRun() *probe.Result {
	recs, loadStart := baselineRecords(20)
	blockStart := loadStart + time.Second
	blockEnd := blockStart + 800*ms
	recs = append(recs, probe.Record{
		Endpoint: probe.Complex, Phase: probe.Loaded, Stage: 1,
		Scheduled: blockStart, Start: blockStart, End: blockEnd + 200*us, Status: 200,
	})
	for k := range 40 {
		sched := probeSchedule(loadStart, k)
		end := sched + 350*us
		stage := 0
		if sched >= blockStart {
			stage = 1
			end = max(end, blockEnd+time.Duration(k)*30*us)
		}
		recs = append(recs, probe.Record{
			Endpoint: probe.Main, Phase: probe.Loaded, Stage: stage,
			Scheduled: sched, Start: sched + 50*us, End: end, Status: 200,
		})
	}
	res := &probe.Result{
		Started: fixtureStart, Elapsed: loadStart + 2*time.Second + 5*ms,
		LoadStart: loadStart, LoadEnd: loadStart + 2*time.Second, Records: recs,
	}
	res.Options.Stages = []probe.Stage{{Duration: time.Second, Level: 0}, {Duration: time.Second, Level: 1}}
	return summarize(res)
}

func stagedReport() *Report {
	c := embeddedConfig()
	c.ComplexDelayMs, c.DurationMs, c.Concurrency = 800, 2000, 1
	res := stagedRun()
	c.Stages = StagePlans(res.Options.Stages)
	meta := Meta{Mode: "blocking", Target: TargetEmbedded, Command: "blockprobe run --mode blocking --complex-delay 800ms --stages 1s:0,1s:1", Config: c}
	return New(meta, res, blockingLoop())
}

func TestStagesInEveryFormat(t *testing.T) {
	r := stagedReport()
	if len(r.Stages) != 2 {
		t.Fatalf("%d stages in the report, want 2", len(r.Stages))
	}
	rest, busy := r.Stages[0], r.Stages[1]
	if rest.Verdict.Conclusive || !busy.Verdict.Starved || rest.Endpoints.Main.Loaded.Count != 20 || busy.Endpoints.Complex.Loaded.Count != 1 {
		t.Fatalf("stages: %+v", r.Stages)
	}
	cases := []struct {
		name, golden string
		write        func(*bytes.Buffer) error
	}{
		{"text", "stages.golden", func(b *bytes.Buffer) error { return WriteText(b, r) }},
		{"markdown", "markdown_stages.golden", func(b *bytes.Buffer) error { return WriteMarkdown(b, []*Report{r}) }},
		{"csv", "csv_stages.golden", func(b *bytes.Buffer) error { return WriteCSV(b, []*Report{r}) }},
		{"gobench", "gobench_stages.golden", func(b *bytes.Buffer) error { return writeGobench(b, []*Report{r}, "linux", "amd64") }},
		{"timeline", "timeline_stages.golden", func(b *bytes.Buffer) error { return WriteTimeline(b, r, 100, false) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.write(&buf); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tc.golden, buf.Bytes())
		})
	}
	t.Run("html", func(t *testing.T) {
		page := renderHTML(t, []*Report{r})
		for _, want := range []string{"Stages of the load", `class="stage"`, "2: 1 worker", "stage 2 (1s-2s, 1 worker): MainHandler STARVED"} {
			if !strings.Contains(page, want) {
				t.Errorf("the HTML report lacks %q", want)
			}
		}
	})
	t.Run("json round trip", func(t *testing.T) {
		var buf bytes.Buffer
		if err := WriteJSON(&buf, r); err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Stages []struct {
				Verdict struct {
					Starved bool `json:"starved"`
				} `json:"verdict"`
			} `json:"stages"`
			Requests []struct {
				Stage int `json:"stage"`
			} `json:"requests"`
		}
		if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Stages) != 2 || !doc.Stages[1].Verdict.Starved {
			t.Errorf("JSON stages %+v", doc.Stages)
		}
		again, err := Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if len(again.Stages) != 2 || again.Stages[1].Verdict.Summary != busy.Verdict.Summary {
			t.Errorf("decoded stages %+v", again.Stages)
		}
	})
}

// A results stream keeps the stages: the report rebuilt from it judges
// each stage as the run did.
func TestStagesFromAResultsStream(t *testing.T) {
	r := stagedReport()
	res := stagedRun()
	var buf bytes.Buffer
	meta := Meta{Mode: r.Mode, Target: r.Target, Config: r.Config}
	w, err := NewResultsWriter(&buf, meta, fixtureStart)
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range res.Records {
		w.Record(rec)
	}
	if err := w.Finish(res, nil); err != nil {
		t.Fatal(err)
	}
	doc, err := ReadDocument(&buf)
	if err != nil {
		t.Fatal(err)
	}
	got := doc.Runs[0]
	if len(got.Stages) != 2 || got.Stages[1].Verdict.Summary != r.Stages[1].Verdict.Summary ||
		got.Stages[0].Endpoints.Main.Loaded.Count != r.Stages[0].Endpoints.Main.Loaded.Count {
		t.Errorf("stages rebuilt from the stream: %+v\nwant %+v", got.Stages, r.Stages)
	}
}
