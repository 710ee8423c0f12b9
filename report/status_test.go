package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

// Every report says what its run came to, and nothing in it contradicts
// that: a run that failed or could not be judged has no standing verdict,
// and every format leads with the status.
func TestStatus(t *testing.T) {
	unmeasured := report.Unmeasured(report.Meta{Mode: "external", Target: "http://127.0.0.1:9"}, "connection refused")
	cases := []struct {
		name     string
		r        *report.Report
		status   report.Status
		headline string // its start
	}{
		{"starved run", fixture.Report(t, "blocking_starved"), report.StatusOK, "MainHandler STARVED: p99 4.93s"},
		{"healthy run", fixture.Report(t, "async_not_starved"), report.StatusOK, "MainHandler not starved"},
		{"target failed during the run", fixture.Report(t, "external_errors"), report.StatusFailed, "FAILED: 1 requests failed at the connection level"},
		{"interrupted", fixture.Report(t, "blocking_partial"), report.StatusInterrupted, "INTERRUPTED: the report covers"},
		{"not reached", unmeasured, report.StatusFailed, "FAILED: not measured: connection refused"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.r
			if r.Status != tc.status || r.StatusReason == "" || strings.Contains(r.StatusReason, "\n") {
				t.Fatalf("status %q, reason %q; want %q and one line", r.Status, r.StatusReason, tc.status)
			}
			if got := report.Headline(r); !strings.HasPrefix(got, tc.headline) {
				t.Errorf("headline %q, want it to start with %q", got, tc.headline)
			}
			if (r.Status == report.StatusFailed || r.Status == report.StatusInconclusive) && r.Verdict.Conclusive {
				t.Errorf("status %s but the verdict stands: %s", r.Status, r.Verdict.Summary)
			}
			if r.Partial != (r.Status == report.StatusInterrupted) {
				t.Errorf("partial %v with status %s", r.Partial, r.Status)
			}
			var js bytes.Buffer
			if err := report.WriteJSON(&js, r); err != nil {
				t.Fatal(err)
			}
			doc, err := report.ReadDocument(&js)
			if err != nil {
				t.Fatal(err)
			}
			if back := doc.Runs[0]; back.Status != r.Status || back.StatusReason != r.StatusReason {
				t.Errorf("read back as %s (%q)", back.Status, back.StatusReason)
			}
		})
	}
}

// A report saved before runs had a status gets it from its figures when it
// is read.
func TestStatusOfAnOlderReport(t *testing.T) {
	var js bytes.Buffer
	if err := report.WriteJSON(&js, fixture.Report(t, "external_errors")); err != nil {
		t.Fatal(err)
	}
	old := strings.Replace(js.String(), `"status": "failed"`, `"status": ""`, 1)
	doc, err := report.ReadDocument(strings.NewReader(old))
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.Runs[0].Status; got != report.StatusFailed {
		t.Errorf("status %q, want failed", got)
	}
}

// An expectation missed fails a run that measured well, and only such a
// run: one that failed keeps its own reason.
func TestExpectSettlesStatus(t *testing.T) {
	exps, err := report.ParseExpectations([]string{"not-starved"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := fixture.Report(t, "blocking_starved")
	r.Expect(exps)
	if r.Status != report.StatusFailed || !strings.HasPrefix(report.Headline(r), "FAILED: expectation not met: expected not-starved, measured starved") {
		t.Errorf("status %s, headline %q", r.Status, report.Headline(r))
	}
	if lines := report.VerdictLines(r); len(lines) != 2 || !strings.HasPrefix(lines[1], "MainHandler STARVED") {
		t.Errorf("verdict lines %q: want the verdict after the headline", lines)
	}
	f := fixture.Report(t, "external_errors")
	reason := f.StatusReason
	f.Expect(exps)
	if f.StatusReason != reason || len(f.Unmet) > 0 {
		t.Errorf("a failed run's reason became %q", f.StatusReason)
	}
}
