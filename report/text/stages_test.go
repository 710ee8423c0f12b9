package text

import (
	"bytes"
	"testing"

	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

func TestStagesInText(t *testing.T) {
	r := fixture.Staged()
	var text, timeline bytes.Buffer
	if err := WriteText(&text, r); err != nil {
		t.Fatal(err)
	}
	fixture.Golden(t, "stages.golden", text.Bytes())
	if err := WriteTimeline(&timeline, r, 100, false); err != nil {
		t.Fatal(err)
	}
	fixture.Golden(t, "timeline_stages.golden", timeline.Bytes())
}
