package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter/tw"
)

// loadPhrase says what load r sent to complexPath: "1 worker x GET
// /complex for 5s", "GET /complex at 10/s for 2s (open loop)", "GET
// /complex in stages of 1s at 1 worker, 1s at 4 workers".
func loadPhrase(r *Report, complexPath string) string {
	c := r.Config
	switch {
	case len(c.Stages) > 0 && r.openLoop():
		return fmt.Sprintf("GET %s open-loop in stages of %s", complexPath, r.stagesLine())
	case len(c.Stages) > 0:
		return fmt.Sprintf("GET %s in stages of %s", complexPath, r.stagesLine())
	case r.openLoop():
		return fmt.Sprintf("GET %s at %s/s for %s (open loop)", complexPath, rate(c.LoadRate), shortMs(c.DurationMs))
	}
	return fmt.Sprintf("%s x GET %s for %s", r.loadLevel(float64(c.Concurrency)), complexPath, shortMs(c.DurationMs))
}

// loadSentLine says how much open-loop load was actually sent, "" for
// workers, whose load is what they could send.
func loadSentLine(r *Report) string {
	if !r.openLoop() || len(r.Stages) > 0 {
		return ""
	}
	return fmt.Sprintf("Load sent: %s ComplexHandler requests/s (%s/s asked)", strconv.FormatFloat(r.LoadApplied, 'f', 2, 64), rate(r.Config.LoadRate))
}

// writeStagesText writes the table of r's stages and a verdict line per
// stage, after a blank line; nothing without stages.
func writeStagesText(w io.Writer, r *Report) error {
	if len(r.Stages) == 0 {
		return nil
	}
	header, right, rows := stageTable(r)
	aligns := make([]tw.Align, len(header))
	for i := range header {
		header[i], aligns[i] = strings.ToUpper(header[i]), tw.AlignLeft
		if right[i] {
			aligns[i] = tw.AlignRight
		}
	}
	fmt.Fprintf(w, "\nStages of the load (sent: ComplexHandler requests per second; windows from the start of the load):\n")
	if err := renderTable(w, aligns, header, rows); err != nil {
		return err
	}
	for _, line := range stageVerdictLines(r) {
		fmt.Fprintln(w, line)
	}
	return nil
}

// writeMarkdownStages writes the table of r's stages and their verdicts;
// nothing without stages.
func writeMarkdownStages(b *strings.Builder, r *Report) {
	if len(r.Stages) == 0 {
		return
	}
	header, right, rows := stageTable(r)
	b.WriteString("\n**Stages** (sent: ComplexHandler requests per second)\n\n")
	writeMarkdownTable(b, header, right, rows)
	writeMarkdownList(b, mapStrings(stageVerdictLines(r), mdText))
}

// stageCSVRows are the CSV rows of r's stages, as those of WriteCSV, with
// phases such as "stage2_loaded" and the stage's own verdict.
func stageCSVRows(r *Report) [][]string {
	var rows [][]string
	for _, sr := range r.stageRows() {
		rows = append(rows, statsCSVRow(r, sr.Row, r.Stages[sr.stage].Verdict.Starved))
	}
	return rows
}

// stageHTMLTable is the table of r's stages, nil without stages.
func stageHTMLTable(r *Report) *htmlTable {
	if len(r.Stages) == 0 {
		return nil
	}
	header, right, rows := stageTable(r)
	t := &htmlTable{Right: right, Rows: rows}
	for _, h := range header {
		t.Header = append(t.Header, []string{h})
	}
	return t
}

// stageLabel is the short label of stage i for a timeline: "2: 4 workers".
func stageLabel(r *Report, i int) string {
	return strconv.Itoa(i+1) + ": " + r.loadLevel(r.Stages[i].Level)
}
