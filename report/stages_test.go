package report_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

func TestStagesInTheDocument(t *testing.T) {
	r := fixture.Staged()
	if len(r.Stages) != 2 {
		t.Fatalf("%d stages in the report, want 2", len(r.Stages))
	}
	rest, busy := r.Stages[0], r.Stages[1]
	if rest.Verdict.Conclusive || !busy.Verdict.Starved || rest.Endpoints.Main.Loaded.Count != 20 || busy.Endpoints.Complex.Loaded.Count != 1 {
		t.Fatalf("stages: %+v", r.Stages)
	}
	t.Run("json round trip", func(t *testing.T) {
		var buf bytes.Buffer
		if err := report.WriteJSON(&buf, r); err != nil {
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
		again, err := report.DecodeAny(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if len(again[0].Stages) != 2 || again[0].Stages[1].Verdict.Summary != busy.Verdict.Summary {
			t.Errorf("decoded stages %+v", again[0].Stages)
		}
	})
}

// A results stream keeps the stages: the report rebuilt from it judges
// each stage as the run did.
func TestStagesFromAResultsStream(t *testing.T) {
	r := fixture.Staged()
	res := fixture.StagedRun()
	var buf bytes.Buffer
	meta := report.Meta{Mode: r.Mode, Target: r.Target, Config: r.Config}
	w, err := report.NewResultsWriter(&buf, meta, fixture.Started())
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range res.Records {
		w.Record(rec)
	}
	if err := w.Finish(res, nil); err != nil {
		t.Fatal(err)
	}
	doc, err := report.ReadDocument(&buf)
	if err != nil {
		t.Fatal(err)
	}
	got := doc.Runs[0]
	if len(got.Stages) != 2 || got.Stages[1].Verdict.Summary != r.Stages[1].Verdict.Summary ||
		got.Stages[0].Endpoints.Main.Loaded.Count != r.Stages[0].Endpoints.Main.Loaded.Count {
		t.Errorf("stages rebuilt from the stream: %+v\nwant %+v", got.Stages, r.Stages)
	}
}
