package report

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// inputFile reads a saved file of the CLI tests, real output of a run.
func inputFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "cmd", "testdata", "input", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// countingReader counts what is read of r.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n += int64(k)
	return k, err
}

func TestReadDocumentLimits(t *testing.T) {
	report, stream := inputFile(t, "run.json"), inputFile(t, "run.ndjson")
	header, _, _ := strings.Cut(stream, "\n")
	small := limits{document: 16 << 10, results: 8 << 10, line: 1 << 10, documentRequests: 20, resultsRequests: 10, lagSamples: 50}
	endless := func(head string, fill byte) io.Reader {
		return io.MultiReader(strings.NewReader(head), bytes.NewReader(bytes.Repeat([]byte{fill}, 1<<20)))
	}
	tests := []struct {
		name     string
		in       io.Reader
		lim      limits
		wantErr  error
		wantText string
		maxRead  int64 // bytes read at most, when > 0
	}{
		{"a report within the limit", strings.NewReader(report), small, nil, "", 0},
		{"a report just at the limit", strings.NewReader(report), limits{document: int64(len(report)), documentRequests: 20, lagSamples: 50, line: 16}, nil, "", 0},
		{"a report one byte over", strings.NewReader(report), limits{document: int64(len(report)) - 1, documentRequests: 20, lagSamples: 50, line: 16},
			ErrTooLarge, "at most", 0},
		{"zeros fail at once", endless("", 0), small, ErrNotReport, `invalid character '\x00'`, 4 << 10},
		{"text fails at once", endless("MainHandler", 'x'), small, ErrNotReport, "invalid character 'M'", 4 << 10},
		{"an object that never closes", endless("{", ' '), small, ErrTooLarge, "at most 16 KiB of a JSON report", 32 << 10},
		{"a string that never ends", endless(`{"mode": "`, 'x'), small, ErrTooLarge, "at most 16 KiB", 32 << 10},
		{"too many requests", strings.NewReader(`{"requests": [` + strings.Repeat(`{},`, 30) + `{}]}`), small,
			ErrTooLarge, "at most 20 requests of one document", 0},
		{"too many heartbeats", strings.NewReader(`{"lag_samples": [` + strings.Repeat(`{},`, 50) + `{}]}`), small,
			ErrTooLarge, "at most 50 heartbeats", 0},
		{"a member larger than any report has", strings.NewReader(`{"notes": ["` + strings.Repeat("x", maxMemberBytes) + `"]}`),
			defaultLimits, ErrNotReport, `its "notes" is larger than 4 MiB`, 0},
		{"a stream within the limit", strings.NewReader(stream), small, nil, "", 0},
		{"a stream over the limit", endless(header+"\n", '\n'), small, ErrTooLarge, "at most 8 KiB of a results stream", 16 << 10},
		{"a stream with an endless line", endless(header+"\n", 'x'), small, ErrTooLarge, "at most 8 KiB of a results stream", 16 << 10},
		{"a stream with too many requests", strings.NewReader(header + "\n" + strings.Repeat(`{"endpoint":"main","phase":"loaded"}`+"\n", 11)),
			small, ErrTooLarge, "more than 10 requests", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := &countingReader{r: tc.in}
			doc, err := readDocument(in, tc.lim)
			switch {
			case tc.wantErr == nil && err != nil:
				t.Fatalf("error %v, want none", err)
			case tc.wantErr == nil && len(doc.Runs) != 1:
				t.Fatalf("%d runs, want 1", len(doc.Runs))
			case tc.wantErr != nil && !errors.Is(err, tc.wantErr):
				t.Fatalf("error %v, want one wrapping %v", err, tc.wantErr)
			case tc.wantErr != nil && !strings.Contains(err.Error(), tc.wantText):
				t.Errorf("error %q, want it to say %q", err, tc.wantText)
			}
			if tc.maxRead > 0 && in.n > tc.maxRead {
				t.Errorf("read %d bytes before failing, want at most %d", in.n, tc.maxRead)
			}
		})
	}
}

func TestReadResultsSaysWhatWasLost(t *testing.T) {
	stream := inputFile(t, "run.ndjson")
	lines := strings.SplitAfter(stream, "\n")
	header, body, trailer := lines[0], lines[1:len(lines)-2], lines[len(lines)-2]
	long := strings.Repeat("x", 2<<10) + "\n"
	lim := limits{document: 1 << 20, results: 1 << 20, line: 1 << 10, resultsRequests: 100}
	tests := []struct {
		name      string
		in        string
		wantErr   string
		wantWarns []string
		requests  int
	}{
		{"intact", stream, "", nil, 10},
		{"blank lines lose nothing", header + "\n" + strings.Join(body, "\n") + trailer, "", nil, 10},
		{"a line too long", header + long + strings.Join(body, "") + trailer, "",
			[]string{"1 of the 13 lines of the results stream were corrupt and skipped (the first is line 2)"}, 10},
		{"unknown endpoint", header + `{"endpoint":"other","phase":"loaded"}` + "\n" + strings.Join(body, "") + trailer, "",
			[]string{"1 of the 13 lines", "(the first is line 2)"}, 10},
		{"no trailer", header + strings.Join(body, ""), "",
			[]string{"the results stream is truncated (no trailer)", "covers the 10 requests it recorded"}, 10},
		{"data after the trailer", stream + stream, "",
			[]string{"the results stream goes on after its trailer (line 12)"}, 10},
		{"a newer version", strings.Replace(stream, `{"blockprobe_results":1,`, `{"blockprobe_results":2,`, 1), "",
			[]string{"version 2, newer than this blockprobe reads (1)"}, 10},
		{"only corrupt lines", header + "{\n[\n" + trailer, "all 2 lines after the header are corrupt (the first is line 2)", nil, 0},
		{"only a header", header, "no request could be read from the results stream: it holds no line after its header", nil, 0},
		{"a header and a trailer", header + "\n" + trailer, "no request line comes before its trailer (line 3)", nil, 0},
		{"a time beyond any duration", header + strings.Replace(body[0], `"end_ms":0.646022`, `"end_ms":1e300`, 1) + strings.Join(body[1:], "") + trailer,
			"cannot be rendered: line 2: end_ms is 1e+300, beyond any time a run can measure", nil, 0},
		{"a trailer's time beyond any duration", header + strings.Join(body, "") + strings.Replace(trailer, `"elapsed_ms":201.952598`, `"elapsed_ms":-1e300`, 1),
			"line 12: elapsed_ms is -1e+300", nil, 0},
		{"not a header", `{"blockprobe_results":"one"}` + "\n", "the first line is not a blockprobe results header", nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := readDocument(strings.NewReader(tc.in), lim)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one saying %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			warns := strings.Join(doc.Warnings, "\n")
			for _, want := range tc.wantWarns {
				if !strings.Contains(warns, want) {
					t.Errorf("warnings %q lack %q", doc.Warnings, want)
				}
			}
			if tc.wantWarns == nil && len(doc.Warnings) > 0 {
				t.Errorf("warnings %q, want none", doc.Warnings)
			}
			rep := doc.Runs[0]
			if len(rep.Requests) != tc.requests {
				t.Errorf("%d requests, want %d", len(rep.Requests), tc.requests)
			}
			for _, w := range doc.Warnings {
				if !strings.Contains(strings.Join(rep.Notes, "\n"), w) {
					t.Errorf("the report's notes lack the warning %q", w)
				}
			}
		})
	}
}
