package text

import (
	"bytes"
	"testing"

	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

func TestExplanationGolden(t *testing.T) {
	for _, f := range fixture.Runs() {
		t.Run(f.Name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteExplanation(&buf, f.Report()); err != nil {
				t.Fatal(err)
			}
			fixture.Golden(t, "explain_"+f.Name+".golden", buf.Bytes())
		})
	}
}
