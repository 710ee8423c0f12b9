package report_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/invopop/jsonschema"

	"github.com/blockprobe/blockprobe/internal/reportschema"
	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

// comparison is the document of `blockprobe compare --format json`.
type comparison struct {
	// Runs are the runs of the comparison, in the order they were measured.
	Runs []*report.Report `json:"runs"`
}

// schema generates report.schema.json from the Go types of the report and
// their doc comments: a report, or a comparison of several.
func schema(t *testing.T) []byte {
	t.Helper()
	r := &jsonschema.Reflector{}
	if err := r.AddGoComments("github.com/blockprobe/blockprobe/report", "./"); err != nil {
		t.Fatal(err)
	}
	one, many := r.Reflect(&report.Report{}), r.Reflect(&comparison{})
	for name, def := range many.Definitions {
		one.Definitions[name] = def
	}
	s := &jsonschema.Schema{
		Version:     jsonschema.Version,
		ID:          "https://github.com/blockprobe/blockprobe/report.schema.json",
		Title:       "blockprobe JSON report",
		Description: "The document `blockprobe run --format json` writes (a Report), or `compare --format json` (a comparison: {\"runs\": [Report, ...]}). Generated from the Go types in report/ by `go generate ./report`; do not edit.",
		OneOf:       []*jsonschema.Schema{{Ref: one.Ref}, {Ref: many.Ref}},
		Definitions: one.Definitions,
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

//go:generate go test -run TestSchemaIsCurrent -update .

// The checked-in schema is the one the Go types give: a field added to the
// report without regenerating it (go generate ./report) fails here.
func TestSchemaIsCurrent(t *testing.T) {
	fixture.GoldenIn(t, "..", "report.schema.json", schema(t))
}

// Every JSON document the report package writes is what the schema says:
// each fixed run, the comparison, a --repeat median, a target not reached.
func TestReportsValidateAgainstTheSchema(t *testing.T) {
	runs := fixture.Compare(t)
	docs := map[string]func(*bytes.Buffer) error{
		"comparison": func(b *bytes.Buffer) error { return report.WriteCompareJSON(b, runs) },
		"repeat": func(b *bytes.Buffer) error {
			return report.WriteJSON(b, report.Aggregate([]*report.Report{fixture.Report(t, "async_not_starved"), fixture.Report(t, "async_not_starved")}))
		},
		"unmeasured": func(b *bytes.Buffer) error {
			return report.WriteJSON(b, report.Unmeasured(report.Meta{Mode: "external", Target: "http://127.0.0.1:9"}, "refused"))
		},
	}
	for _, r := range runs {
		docs[r.Name()] = func(b *bytes.Buffer) error { return report.WriteJSON(b, r) }
	}
	for name, write := range docs {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := write(&b); err != nil {
				t.Fatal(err)
			}
			if err := reportschema.Validate(b.Bytes()); err != nil {
				t.Errorf("does not validate: %v", err)
			}
		})
	}
	// And the schema is not so loose that anything passes.
	for name, doc := range map[string]string{
		"not a report":      `{"hello": 1}`,
		"a status unknown":  `{"runs": [` + mustJSON(t, runs[0], `"status": "ok"`, `"status": "fine"`) + `]}`,
		"a count in quotes": mustJSON(t, runs[0], `"count": 20`, `"count": "20"`),
	} {
		if err := reportschema.Validate([]byte(doc)); err == nil {
			t.Errorf("%s: validates", name)
		}
	}
}

// mustJSON is r as JSON with old replaced by new once.
func mustJSON(t *testing.T, r *report.Report, old, new string) string {
	t.Helper()
	var b bytes.Buffer
	if err := report.WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	out := bytes.Replace(b.Bytes(), []byte(old), []byte(new), 1)
	if bytes.Equal(out, b.Bytes()) {
		t.Fatalf("%q not in the report", old)
	}
	return string(out)
}
