package export

import (
	"regexp"
	"strings"
	"testing"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

// splitMarkdownRow splits a table row into its cells, honouring "\|".
func splitMarkdownRow(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(line, "|")
	var cells []string
	var cell strings.Builder
	escaped := false
	for _, r := range line {
		switch {
		case escaped:
			cell.WriteRune(r)
			escaped = false
		case r == '\\':
			cell.WriteRune(r)
			escaped = true
		case r == '|':
			cells = append(cells, strings.TrimSpace(cell.String()))
			cell.Reset()
		default:
			cell.WriteRune(r)
		}
	}
	if rest := strings.TrimSpace(cell.String()); rest != "" {
		cells = append(cells, rest) // a row without the closing "|"
	}
	return cells
}

var markdownSeparator = regexp.MustCompile(`^\|( :?-{3,}:? \|)+$`)

// markdownTables checks that every table in md is well-formed, a header, a
// separator row, and rows of as many cells as the header, and returns the
// tables' rows (header first, separator left out).
func markdownTables(t *testing.T, md string) [][][]string {
	t.Helper()
	var tables [][][]string
	lines := strings.Split(md, "\n")
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "|") {
			continue
		}
		if i > 0 && lines[i-1] != "" {
			t.Errorf("table at line %d does not follow a blank line", i+1)
		}
		header := splitMarkdownRow(lines[i])
		table := [][]string{header}
		if i+1 >= len(lines) || !markdownSeparator.MatchString(lines[i+1]) {
			t.Errorf("table at line %d has no separator row after its header", i+1)
		} else if n := len(splitMarkdownRow(lines[i+1])); n != len(header) {
			t.Errorf("separator row has %d cells, header %d", n, len(header))
		}
		for i += 2; i < len(lines) && strings.HasPrefix(lines[i], "|"); i++ {
			cells := splitMarkdownRow(lines[i])
			if len(cells) != len(header) {
				t.Errorf("line %d has %d cells, header %d: %q", i+1, len(cells), len(header), lines[i])
			}
			if !strings.HasSuffix(lines[i], " |") {
				t.Errorf("line %d does not end with \" |\": %q", i+1, lines[i])
			}
			table = append(table, cells)
		}
		tables = append(tables, table)
	}
	return tables
}

func TestWriteMarkdown(t *testing.T) {
	awkward := fixture.Report(t, "external_errors")
	awkward.Label = "a|b\nc\\"
	tests := []struct {
		name     string
		runs     []*report.Report
		rows     int      // of the one table, header included
		contains []string // in the output
	}{
		{"one run, starved", []*report.Report{fixture.Report(t, "blocking_starved")}, 5, []string{
			"\n**MainHandler STARVED: p99 4.93s under load vs 0.43ms idle (+4.93s > 50ms)**\n",
			"\n| endpoint | phase | count | ok | errors | p50 | p90 | p99 | max |\n",
			"| MainHandler | loaded | 100 | 100 | 0 | 2.48s | 4.48s | 4.93s | 4.98s |",
			"\nLoop: slowest callback 5.00s in ComplexHandler",
		}},
		{"one run, errors", []*report.Report{fixture.Report(t, "external_errors")}, 5, []string{
			"- Errors, MainHandler loaded: reset 1, timeout 3\n",
			"- Note: no loop agent answered at the target's /debug/loop, so no handler is named; run the server under one (\\`python3 agents/python/blockprobe\\_agent.py --port 9999",
		}},
		{"one run, interrupted", []*report.Report{fixture.Report(t, "blocking_partial")}, 5, []string{
			"| MainHandler | loaded | 40 | 0 | 40 | — | — | — | — |",
			"- PARTIAL: interrupted\n",
		}},
		{"several runs", fixture.Compare(t), 5, []string{
			"| run | main idle p50 |",
			"| staging | 350µs | 900µs | 2.08ms | 6.80ms | 6.80ms | 2.00ms | 1.20s | 7 | - | FAILED |",
			"\n- **async**: MainHandler not starved:",
			"\n- blocking: Loop: slowest callback 5.00s in ComplexHandler",
			"\n- Note: staging: no loop agent answered at the target's /debug/loop",
		}},
		{"label to escape", []*report.Report{fixture.Report(t, "async_not_starved"), awkward}, 3, []string{
			`| a\|b c\\ | 350µs |`,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			md := fixture.Written(t, WriteMarkdown, tc.runs)
			if !strings.HasPrefix(md, "### blockprobe\n\n") {
				t.Errorf("output does not start with the heading:\n%s", md)
			}
			tables := markdownTables(t, md)
			if len(tables) != 1 {
				t.Fatalf("%d tables, want 1:\n%s", len(tables), md)
			}
			if got := len(tables[0]); got != tc.rows {
				t.Errorf("table has %d rows, want %d:\n%s", got, tc.rows, md)
			}
			for _, want := range tc.contains {
				if !strings.Contains(md, want) {
					t.Errorf("output does not contain %q:\n%s", want, md)
				}
			}
		})
	}
}

func TestMarkdownGolden(t *testing.T) {
	tests := []struct {
		name string
		runs []*report.Report
	}{
		{"blocking_starved", []*report.Report{fixture.Report(t, "blocking_starved")}},
		{"external_errors", []*report.Report{fixture.Report(t, "external_errors")}},
		{"external_agent", []*report.Report{fixture.Report(t, "external_agent")}},
		{"compare", fixture.Compare(t)},
		{"merged", []*report.Report{fixture.Merged(t)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fixture.Golden(t, "markdown_"+tc.name+".golden", []byte(fixture.Written(t, WriteMarkdown, tc.runs)))
		})
	}
}

// Strings of a report come from anywhere: in Markdown they show as text,
// never as markup.
func TestMarkdownEscapesMarkup(t *testing.T) {
	tests := []struct{ name, in, text, line string }{
		{"html tag", `http://x/<img src=x onerror=alert(1)>`, `http://x/\<img src=x onerror=alert(1)>`, ""},
		{"comparison stays", `p99 <= 50ms`, `p99 <= 50ms`, ""},
		{"link", `[click](http://evil)`, `\[click\](http://evil)`, ""},
		{"emphasis and code", "*a* _b_ `c` ~d~ $e$", "\\*a\\* \\_b\\_ \\`c\\` \\~d\\~ \\$e\\$", ""},
		{"entity", `&lt;b&gt;`, `\&lt;b\&gt;`, ""},
		{"table cell", `a|b\`, `a\|b\\`, ""},
		{"line breaks", "a\nb\r\nc", "a b c", ""},
		{"heading", "# hi", "# hi", `\# hi`},
		{"quote", "> hi", "> hi", `\> hi`},
		{"list", "- hi", "- hi", `\- hi`},
		{"ordered list", "1. hi", "1. hi", `1\. hi`},
		{"indented", "    code", "    code", "code"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := mdText(tc.in); got != tc.text {
				t.Errorf("mdText(%q) = %q, want %q", tc.in, got, tc.text)
			}
			want := tc.line
			if want == "" {
				want = tc.text
			}
			if got := mdLine(tc.in); got != want {
				t.Errorf("mdLine(%q) = %q, want %q", tc.in, got, want)
			}
		})
	}
}
