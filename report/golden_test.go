package report

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/report")

// checkGolden compares got with the golden file testdata/report/name, and
// rewrites that file first when the tests run with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("..", "testdata", "report", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if string(got) != string(want) {
		t.Errorf("output differs from %s (run with -update to accept)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// fixtureReport is the report of the fixture called name.
func fixtureReport(t *testing.T, name string) *Report {
	t.Helper()
	for _, f := range fixtures() {
		if f.name == name {
			return f.report()
		}
	}
	t.Fatalf("no fixture %q", name)
	return nil
}

// compareRuns are the fixed runs side by side, as a compare of the embedded
// modes and a labelled external target, plus an interrupted run whose label
// needs escaping in some formats.
func compareRuns(t *testing.T) []*Report {
	t.Helper()
	ext := fixtureReport(t, "external_errors")
	ext.Label = "staging"
	cut := fixtureReport(t, "blocking_partial")
	cut.Label = "blocking cut/short"
	return []*Report{fixtureReport(t, "blocking_starved"), fixtureReport(t, "async_not_starved"), ext, cut}
}
