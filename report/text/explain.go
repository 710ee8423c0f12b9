package text

import (
	"fmt"
	"io"
	"strings"

	"github.com/blockprobe/blockprobe/report"
)

// WriteExplanation writes r's explanation as a short paragraph.
func WriteExplanation(w io.Writer, r *report.Report) error {
	e := r.Explanation
	if e == nil {
		e = report.Explain(r)
	}
	_, err := fmt.Fprintf(w, "\nWhat happened:\n%s\n", wrap(strings.Join(e.Sentences, " "), 96, "  "))
	return err
}

// wrap folds text into lines of at most width columns, each indented.
func wrap(text string, width int, indent string) string {
	var b strings.Builder
	line := indent
	for _, word := range strings.Fields(text) {
		if len(line)+1+len(word) > width && line != indent {
			b.WriteString(line + "\n")
			line = indent
		}
		if line != indent {
			line += " "
		}
		line += word
	}
	b.WriteString(line)
	return b.String()
}
