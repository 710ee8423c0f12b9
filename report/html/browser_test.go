package html

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/blockprobe/blockprobe/report"
	"github.com/blockprobe/blockprobe/report/internal/fixture"
)

// TestHTMLInBrowser renders the HTML report in headless Chromium with the
// network cut off (every request goes to a proxy on the discard port),
// and checks that the page logged no console error or failed load and that
// its screenshot is not blank. It is skipped where Chromium is not
// installed (Debian: apt-get install chromium). With BLOCKPROBE_SCREENSHOTS
// set to a directory, the screenshots are kept there.
func TestHTMLInBrowser(t *testing.T) {
	chrome := findChromium()
	if chrome == "" {
		t.Skip("no chromium here: install it (apt-get install chromium) to run the real-browser test")
	}
	cases := []struct {
		name string
		runs func(t *testing.T) []*report.Report
	}{
		{"blocking", func(t *testing.T) []*report.Report { return []*report.Report{fixture.Timeline(t, "blocking_starved")} }},
		{"compare", func(t *testing.T) []*report.Report { return htmlFixtures(t)["compare"] }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			page := filepath.Join(dir, "report.html")
			shot := filepath.Join(dir, "shot.png")
			if err := os.WriteFile(page, []byte(fixture.Written(t, WriteHTML, tc.runs(t))), 0o644); err != nil {
				t.Fatal(err)
			}
			logs := screenshot(t, chrome, page, shot, filepath.Join(dir, "profile"))
			for _, bad := range consoleErrors(logs) {
				t.Errorf("browser reported: %s", bad)
			}
			colours := distinctColours(t, shot)
			if colours < 16 {
				t.Errorf("screenshot has %d distinct colours: blank or nearly", colours)
			}
			if keep := os.Getenv("BLOCKPROBE_SCREENSHOTS"); keep != "" {
				data, err := os.ReadFile(shot)
				if err == nil {
					err = os.WriteFile(filepath.Join(keep, "blockprobe-fixture-"+tc.name+".png"), data, 0o644)
				}
				if err != nil {
					t.Error(err)
				}
			}
		})
	}
}

// TestBrowserHarnessCatchesErrors checks the check: a page that runs a
// failing script and loads an image from the network must be reported.
func TestBrowserHarnessCatchesErrors(t *testing.T) {
	chrome := findChromium()
	if chrome == "" {
		t.Skip("no chromium here: install it (apt-get install chromium) to run the real-browser test")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "bad.html")
	bad := `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'">` +
		`</head><body><img src="http` + `://192.0.2.1/x.png"><script>undefinedFunction()</script></body></html>`
	if err := os.WriteFile(page, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	logs := screenshot(t, chrome, page, filepath.Join(dir, "shot.png"), filepath.Join(dir, "profile"))
	if got := consoleErrors(logs); len(got) < 2 {
		t.Errorf("want the script error and the blocked image reported, got %q\n%s", got, logs)
	}
}

func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// screenshot opens page in headless Chromium, offline, writes a screenshot
// to shot and returns what the browser logged.
func screenshot(t *testing.T, chrome, page, shot, profile string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chrome,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
		"--proxy-server=127.0.0.1:9", "--user-data-dir="+profile,
		"--enable-logging=stderr", "--v=0",
		"--screenshot="+shot, "--window-size=1280,2000", "file://"+page)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = time.Second
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out.String())
	}
	if _, err := os.Stat(shot); err != nil {
		t.Fatalf("chromium wrote no screenshot: %v\n%s", err, out.String())
	}
	return out.String()
}

// consoleErrors picks from Chromium's log what the page did wrong: a
// console error, an uncaught exception, a blocked or failed load.
func consoleErrors(logs string) []string {
	// A clean page logs nothing to the console: any console line counts.
	bad := regexp.MustCompile(`:CONSOLE|Uncaught|Content.Security.Policy|net::ERR_|Refused to`)
	var out []string
	for _, line := range strings.Split(logs, "\n") {
		if bad.MatchString(line) {
			out = append(out, line)
		}
	}
	return out
}

// distinctColours counts the colours of the PNG image at path.
func distinctColours(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode screenshot: %v", err)
	}
	return countColours(img)
}

func countColours(img image.Image) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
		}
	}
	return len(seen)
}
