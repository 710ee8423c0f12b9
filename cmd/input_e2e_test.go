package cmd_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	bp "github.com/blockprobe/blockprobe/cmd"
	"github.com/blockprobe/blockprobe/internal/child"
)

// The files report and diff read come from anywhere: these tests hand them
// hostile input, as files under testdata/input and as endless pipes.

// inputFile is the path of a file under testdata/input.
func inputFile(name string) string { return filepath.Join("testdata", "input", name) }

// fedResult is a run of the binary fed on stdin, with its peak memory.
type fedResult struct {
	result
	maxRSSMB int64
	took     time.Duration
}

// runFed runs the binary with args and stdin, without a terminal, and
// measures its peak resident memory.
func runFed(t *testing.T, stdin io.Reader, args ...string) fedResult {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "CI=true")
	cmd.Stdin = stdin
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	began := time.Now()
	code, err := child.ExitCode(cmd.Run())
	if err != nil && !errors.Is(err, syscall.EPIPE) {
		t.Fatalf("running blockprobe %v: %v", args, err)
	}
	rss := int64(0)
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss / 1024 // kilobytes on Linux
	}
	return fedResult{result{code, out.String(), errOut.String()}, rss, time.Since(began)}
}

// endless is n bytes: head, then fill repeated.
func endless(head string, fill byte, n int64) io.Reader {
	return io.MultiReader(strings.NewReader(head), io.LimitReader(repeatByte(fill), n))
}

type repeatByte byte

func (b repeatByte) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

// Input of any size costs report and diff bounded memory and ends with one
// line and exit 2: 1.5 GB of zeros, a JSON object that never closes, a
// results stream with an endless line.
func TestReportAndDiffReadBoundedInput(t *testing.T) {
	const gb = 1 << 30
	header := readFile(t, inputFile("run.ndjson"))
	firstLine := string(header[:bytes.IndexByte(header, '\n')+1])
	tests := []struct {
		name    string
		args    []string
		stdin   io.Reader
		wantErr string
	}{
		{"diff of zeros", []string{"diff", inputFile("run.json"), "/dev/stdin"}, endless("", 0, 3*gb/2), "not a blockprobe report"},
		{"report of zeros", []string{"report", "/dev/stdin"}, endless("", 0, 3*gb/2), "not a blockprobe report"},
		{"report of an object that never closes", []string{"report", "/dev/stdin"}, endless("{", ' ', 3*gb/2), "at most 256 MiB of a JSON report"},
		{"report of a stream with an endless line", []string{"report", "/dev/stdin"}, endless(firstLine, 'x', 3*gb/2), "at most 512 MiB of a results stream"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runFed(t, tc.stdin, tc.args...)
			if res.code != bp.ExitUsage {
				t.Errorf("exit %d, want %d", res.code, bp.ExitUsage)
			}
			if lines := strings.Count(res.stderr, "\n"); lines != 1 || !strings.Contains(res.stderr, tc.wantErr) {
				t.Errorf("stderr %q: want one line saying %q", res.stderr, tc.wantErr)
			}
			if res.maxRSSMB > 700 {
				t.Errorf("peak memory %d MB, want it bounded well under 1 GB", res.maxRSSMB)
			}
			t.Logf("exit %d in %s, peak memory %d MB", res.code, res.took.Round(time.Millisecond), res.maxRSSMB)
		})
	}
}

// A results stream says what it lost: corrupt lines are counted, a stream
// without its trailer is truncated, and one with no request left is an
// error, not an empty report.
func TestReportSaysWhatAResultsStreamLost(t *testing.T) {
	tests := []struct {
		name, file string
		wantCode   int
		wantStderr []string
		wantStdout []string
	}{
		{"intact", "run.ndjson", bp.ExitOK, nil, []string{"MainHandler     baseline       5"}},
		{"only garbage", "garbage.ndjson", bp.ExitUsage,
			[]string{"no request could be read", "all 50 lines after the header are corrupt (the first is line 2)"}, nil},
		{"some corrupt lines", "corrupt.ndjson", bp.ExitOK,
			[]string{"warning: " + inputFile("corrupt.ndjson") + ": 3 of the 12 lines of the results stream were corrupt", "the first is line 4"},
			[]string{"3 of the 12 lines of the results stream were corrupt and skipped"}},
		{"truncated", "truncated.ndjson", bp.ExitOK,
			[]string{"warning: " + inputFile("truncated.ndjson") + ": the results stream is truncated", "1 of the 11 lines"},
			[]string{"PARTIAL", "truncated"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := blockprobe(t, "report", inputFile(tc.file))
			if res.code != tc.wantCode {
				t.Errorf("exit %d, want %d; stderr %q", res.code, tc.wantCode, res.stderr)
			}
			if tc.wantStderr == nil && res.stderr != "" {
				t.Errorf("stderr %q, want nothing", res.stderr)
			}
			for _, want := range tc.wantStderr {
				if !strings.Contains(res.stderr, want) {
					t.Errorf("stderr %q lacks %q", res.stderr, want)
				}
			}
			for _, want := range tc.wantStdout {
				if !strings.Contains(res.stdout, want) {
					t.Errorf("report lacks %q:\n%s", want, res.stdout)
				}
			}
		})
	}
}

// A diff that cannot be written is an output error, not a target's.
func TestDiffToAFullDiskExits4(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full here")
	}
	defer full.Close()
	cmd := exec.Command(bin, "diff", inputFile("run.json"), inputFile("run.json"))
	cmd.Stdout = full
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	if code, err := child.ExitCode(cmd.Run()); code != bp.ExitOutput {
		t.Errorf("diff to a full disk: exit %d (%v), stderr %q; want exit %d", code, err, errOut.String(), bp.ExitOutput)
	}
}

// controlChars finds what a terminal would act on: C0 controls but the
// line feed, DEL, C1 controls (U+0080-U+009F) and bidirectional overrides.
var controlChars = regexp.MustCompile("[\x00-\x09\x0b-\x1f\x7f\u0080-\u009f\u202a-\u202e\u2066-\u2069]")

// Strings from a file never reach the terminal, Markdown or HTML as they
// are, and numbers no report holds are warned of or refused.
func TestReportOfHostileValues(t *testing.T) {
	tests := []struct {
		name, file, format string
		wantCode           int
		wantStderr         []string
		notInStdout        []string // regular expressions
	}{
		{"escape sequences, text", "ansi.json", "text", bp.ExitOK, []string{"control characters"}, nil},
		{"escape sequences, markdown", "ansi.json", "markdown", bp.ExitOK, []string{"control characters"}, nil},
		{"escape sequences, html", "ansi.json", "html", bp.ExitOK, []string{"control characters"}, nil},
		{"escape sequences, timeline", "ansi.json", "text --timeline", bp.ExitOK, []string{"control characters"}, nil},
		{"escape sequences in a stream", "ansi.ndjson", "text --timeline", bp.ExitOK, []string{"control characters"}, nil},
		{"markup, markdown", "markup.json", "markdown", bp.ExitOK, nil,
			[]string{`[^\\]<img`, `[^\\]<b>`, `[^\\]<script>`, `[^\\]\]\(http`, `\n# heading`}},
		{"markup, html", "markup.json", "html", bp.ExitOK, nil, []string{`<img`, `<b>`, `<script>alert`}},
		{"a newer version", "newer.json", "text", bp.ExitOK,
			[]string{"version 2, newer than this blockprobe reads", `members this blockprobe does not know ("histograms")`}, nil},
		{"a negative count", "negative-count.json", "text", bp.ExitUsage,
			[]string{"endpoints.main.loaded.count is -5", "below zero"}, nil},
		{"a number beyond any duration", "huge-number.json", "text", bp.ExitUsage,
			[]string{"requests[2].end_ms is 1e+300"}, nil},
		{"values out of range", "out-of-range.json", "text", bp.ExitOK, []string{
			"loop.busy_fraction is 1.7, not a fraction",
			"endpoints.main.baseline.min_ms is -3",
			"requests[].latency_ms: 1 below zero",
			"endpoints.main.loaded: its percentiles are out of order",
		}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"report", inputFile(tc.file), "--format"}, strings.Fields(tc.format)...)
			res := blockprobe(t, args...)
			if res.code != tc.wantCode {
				t.Errorf("exit %d, want %d; stderr %q", res.code, tc.wantCode, res.stderr)
			}
			for _, want := range tc.wantStderr {
				if !strings.Contains(res.stderr, want) {
					t.Errorf("stderr %q lacks %q", res.stderr, want)
				}
			}
			for _, out := range []string{res.stdout, res.stderr} {
				if loc := controlChars.FindStringIndex(out); loc != nil {
					t.Errorf("output holds a control character: %q", out[max(loc[0]-40, 0):min(loc[1]+40, len(out))])
				}
			}
			for _, bad := range tc.notInStdout {
				if loc := regexp.MustCompile(bad).FindStringIndex(res.stdout); loc != nil {
					t.Errorf("output holds %s: %q", bad, res.stdout[max(loc[0]-60, 0):min(loc[1]+60, len(res.stdout))])
				}
			}
		})
	}
}
