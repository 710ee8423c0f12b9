package text

import (
	"bytes"
	"testing"

	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

func TestMergedTextGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteText(&buf, fixture.Merged(t)); err != nil {
		t.Fatal(err)
	}
	fixture.Golden(t, "merged.golden", buf.Bytes())
}
