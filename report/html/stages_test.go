package html

import (
	"strings"
	"testing"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

func TestStagesInHTML(t *testing.T) {
	page := fixture.Written(t, WriteHTML, []*report.Report{fixture.Staged()})
	for _, want := range []string{"Stages of the load", `class="stage"`, "2: 1 worker", "stage 2 (1s-2s, 1 worker): MainHandler STARVED"} {
		if !strings.Contains(page, want) {
			t.Errorf("the HTML report lacks %q", want)
		}
	}
}
