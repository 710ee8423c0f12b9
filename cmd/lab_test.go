package cmd_test

// TestLab keeps LAB.md, the teaching lab, from rotting: it runs every marked
// command of the sheet against the built binary, with shortened delays, and
// checks that the observation the sheet tells students to expect holds.
// TestREADME does the same for the blocks of README.md marked alike, which
// need no exercise heading.
//
// # The convention in LAB.md
//
// A fenced block whose info string is "sh lab" holds commands the test runs:
// one `blockprobe ...` command per line (blank lines and # comments are
// skipped; no pipes or redirections). The first non-blank line after the
// closing fence must be one HTML comment stating the observation:
//
//	```sh lab
//	blockprobe run --mode blocking --complex-delay 2s
//	```
//	<!-- check: starved; ramp; main.loaded.max > 0.9D -->
//
// The check is a ";"-separated list of items. Each item holds for every
// command of the block, unless it names one: a trailing "@N" (N counting the
// block's commands from 1) restricts an item to command N, and in a
// comparison each side may carry its own "@N".
//
//	exit N          the command exits N (default: every command exits 0). For
//	                1, stderr must also say what was measured.
//	starved         the verdict is "starved"; not-starved: the opposite. For
//	                compare, every run; "RUN:starved" names one run.
//	ramp            MainHandler's probes under load form the falling ramp of a
//	                blocked loop: sorted by the time each was due, latencies
//	                never rise (by more than D/10), the first waited at least
//	                0.7·D, the last at most half of the first, the longest at
//	                most 1.2·D. (A probe due t into the block waits ≈ D − t.)
//	waves K         ComplexHandler latencies fall in K groups around D, 2D, ...
//	                K·D: each within D/5 of some k·D, 1 <= k <= K, every k seen.
//	culprit NAME    the loop's slowest callback ran in handler NAME.
//	status WORD     the report's status is WORD (ok, failed, inconclusive,
//	                interrupted).
//	says "TEXT"     the command's own output (as the student sees it) has TEXT.
//	file NAME       the command wrote a non-empty file NAME (relative to its
//	                working directory, a fresh temporary one).
//	REF OP VALUE    a number of the JSON report. REF is
//	                [RUN:]endpoint.phase.stat[@N] (the names of --expect:
//	                main|complex, baseline|loaded|loaded_uncorrected,
//	                min|p50|p90|p99|max|mean|count|ok|errors) or loop.NAME[@N]
//	                (a field of the report's loop object, NAME_ms if it exists).
//	                OP is < <= > >=. VALUE is a duration (250ms, 1.5s), a
//	                multiple of the command's delay D (0.9D), a plain number
//	                (for counts), or "F x REF" (5x main.loaded.p50@1).
//
// # Shortened delays
//
// Every command runs with D, the work per ComplexHandler request, shortened
// to labDelay (never lengthened): all durations that scale with D are
// multiplied by f = labDelay/D. D is the command's --complex-delay, or, for
// --target, the --delay of the server block before it. Scaled: the values of
// --complex-delay and --duration, and, in --expect values and in checks, every
// duration of 100ms or more; smaller ones (a "fast" threshold such as
// main.loaded.p99<10ms) and --switch-interval, --starve-threshold and --rate
// are kept, because what they are compared with does not scale with D. So
// the lab must state D-dependent thresholds in proportion to D (0.25·D, not
// "30ms"), which it should anyway.
//
// # Sweeps
//
// A `blockprobe sweep` runs like any command, its --slo values scaled as
// --expect's. A sweep over complex-delay (--vary complex-delay=...,
// --find-max complex-delay) runs as written: its delays are what it
// measures, and the lab keeps them short. A sweep's output is a sweep, not
// a report, so its block checks exit codes and text (exit, says) only.
//
// # Real servers
//
// A block with info string "sh lab-server" holds one command line that starts
// a server (exercise 6: examples/tornado/server.py). The test starts it from
// the repository root with --port 0 and its --delay scaled, reads its
// "listening on URL" line, and runs the next "sh lab" block against it,
// replacing http://127.0.0.1:8888 in that block's commands with the URL. If
// the server's runtime is missing (Python without tornado, no node), that
// block is skipped, not failed; .ci/run installs them.
//
// # How commands run
//
// When a block checks numbers, each command runs with --format json (and
// without --output or --timeline) so the test reads the report. A command
// also runs as written, in a temporary directory, when its block checks only
// exit codes, text or files, or when it has its own --format, --output or
// --timeline; both runs must then exit alike. Blocks with --work cpu compute
// on every core they get, so they run one at a time after the others, which
// run a few at a time (labParallel). A block that fails is run again, up to
// labAttempts times in all, and fails the test only if no attempt passed: on
// a loaded machine one descheduled probe can cross a millisecond threshold,
// but a command or an observation that is wrong fails every attempt.

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/blockprobe/blockprobe/internal/child"
)

// labDelay is what every lab command's delay D is shortened to.
const labDelay = 300 * time.Millisecond

// labAttempts is how often a block runs before its failure counts: a
// loaded machine can delay one probe past a threshold, but a sheet that is
// wrong fails every time.
const labAttempts = 3

// labParallel is how many light blocks run at once.
const labParallel = 3

// labStudentURL is the server address the lab tells students to probe.
const labStudentURL = "http://127.0.0.1:8888"

type labBlock struct {
	file     string   // LAB.md, or README.md
	exercise int      // 0 outside the lab sheet
	line     int      // of the opening fence
	commands []string // as written
	check    string   // the check comment's content
	server   string   // the lab-server command before it, if any
}

func (b labBlock) name() string {
	if b.exercise == 0 {
		return b.at()
	}
	return fmt.Sprintf("exercise%d/%s", b.exercise, b.at())
}

// at is where the block is: "LAB.md:120".
func (b labBlock) at() string { return fmt.Sprintf("%s:%d", b.file, b.line) }

// parseLab reads the marked blocks of the lab sheet.
func parseLab(text string) ([]labBlock, int, error) { return parseMarked("LAB.md", text, true) }

// parseMarked reads the marked blocks of file, whose text is text: the lab
// sheet, whose blocks each belong to an exercise, or another document
// (README.md) whose blocks need none.
func parseMarked(file, text string, inExercises bool) ([]labBlock, int, error) {
	var (
		blocks    []labBlock
		exercise  int
		exercises = map[int]bool{}
		server    string
		lines     = strings.Split(text, "\n")
		heading   = regexp.MustCompile(`^## Exercise (\d+)\b`)
		fence     = regexp.MustCompile("^```\\s*(.*?)\\s*$")
		check     = regexp.MustCompile(`^<!--\s*check:\s*(.*?)\s*-->$`)
	)
	withBlocks := map[int]bool{}
	for i := 0; i < len(lines); i++ {
		if m := heading.FindStringSubmatch(lines[i]); m != nil {
			exercise, _ = strconv.Atoi(m[1])
			exercises[exercise] = true
			continue
		}
		m := fence.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		start, info := i, strings.Fields(m[1])
		var body []string
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
			body = append(body, lines[i])
		}
		if i == len(lines) {
			return nil, 0, fmt.Errorf("%s:%d: code block never closed", file, start+1)
		}
		if len(info) < 2 || info[0] != "sh" || (info[1] != "lab" && info[1] != "lab-server") {
			continue
		}
		var cmds []string
		for _, l := range body {
			l = strings.TrimSpace(l)
			if l == "" || strings.HasPrefix(l, "#") {
				continue
			}
			cmds = append(cmds, l)
		}
		if info[1] == "lab-server" {
			if len(cmds) != 1 {
				return nil, 0, fmt.Errorf("%s:%d: a lab-server block holds exactly one command, found %d", file, start+1, len(cmds))
			}
			if server != "" {
				return nil, 0, fmt.Errorf("%s:%d: lab-server block with no lab block after the previous one", file, start+1)
			}
			server = cmds[0]
			continue
		}
		if len(cmds) == 0 {
			return nil, 0, fmt.Errorf("%s:%d: empty lab block", file, start+1)
		}
		for _, c := range cmds {
			if !strings.HasPrefix(c, "blockprobe ") {
				return nil, 0, fmt.Errorf("%s:%d: lab blocks hold blockprobe commands only, one per line: %q", file, start+1, c)
			}
		}
		j := i + 1
		for j < len(lines) && strings.TrimSpace(lines[j]) == "" {
			j++
		}
		var cm []string
		if j < len(lines) {
			cm = check.FindStringSubmatch(strings.TrimSpace(lines[j]))
		}
		if cm == nil {
			return nil, 0, fmt.Errorf("%s:%d: lab block not followed by a <!-- check: ... --> comment", file, start+1)
		}
		if exercise == 0 && inExercises {
			return nil, 0, fmt.Errorf("%s:%d: lab block before the first '## Exercise N' heading", file, start+1)
		}
		blocks = append(blocks, labBlock{file: file, exercise: exercise, line: start + 1, commands: cmds, check: cm[1], server: server})
		withBlocks[exercise] = true
		server = ""
	}
	if server != "" {
		return nil, 0, fmt.Errorf("%s: lab-server block with no lab block after it", file)
	}
	for n := range exercises {
		if !withBlocks[n] {
			return nil, 0, fmt.Errorf("%s: exercise %d has no marked (sh lab) command", file, n)
		}
	}
	return blocks, len(exercises), nil
}

// splitArgs splits a command line as a POSIX shell would for the simple
// commands of the lab: words, single and double quotes, no expansions.
func splitArgs(line string) ([]string, error) {
	var (
		args  []string
		cur   strings.Builder
		inArg bool
		quote rune
	)
	for _, r := range line {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inArg = r, true
		case r == ' ' || r == '\t':
			if inArg {
				args = append(args, cur.String())
				cur.Reset()
				inArg = false
			}
		case strings.ContainsRune("|&;<>$`\\(){}*?", r):
			return nil, fmt.Errorf("unquoted %q: lab commands are plain commands", r)
		default:
			cur.WriteRune(r)
			inArg = true
		}
	}
	if quote != 0 {
		return nil, errors.New("unterminated quote")
	}
	if inArg {
		args = append(args, cur.String())
	}
	return args, nil
}

// flagValue finds --name VALUE or --name=VALUE; the index is the value's
// (for --name=VALUE, the flag's own) and eq tells which form it was.
func flagValue(args []string, names ...string) (val string, idx int, eq bool) {
	idx = -1
	for i, a := range args {
		for _, n := range names {
			if a == n && i+1 < len(args) {
				val, idx, eq = args[i+1], i+1, false
			} else if strings.HasPrefix(a, n+"=") {
				val, idx, eq = strings.TrimPrefix(a, n+"="), i, true
			}
		}
	}
	return val, idx, eq
}

func setFlag(args []string, idx int, eq bool, name, val string) {
	if eq {
		args[idx] = name + "=" + val
	} else {
		args[idx] = val
	}
}

// scaleDur shortens a duration by f, to the millisecond.
func scaleDur(d time.Duration, f float64) time.Duration {
	return time.Duration(math.Round(float64(d)*f/float64(time.Millisecond))) * time.Millisecond
}

var durInText = regexp.MustCompile(`([<>=!]\s*)(\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))`)

// scaleThresholds scales the durations of 100ms or more that follow an
// operator in an --expect value.
func scaleThresholds(s string, f float64) string {
	return durInText.ReplaceAllStringFunc(s, func(m string) string {
		p := durInText.FindStringSubmatch(m)
		d, err := time.ParseDuration(strings.ReplaceAll(p[2], "µs", "us"))
		if err != nil || d < 100*time.Millisecond {
			return m
		}
		return p[1] + scaleDur(d, f).String()
	})
}

// labServer is a lab-server command rewritten to run here.
type labServer struct {
	args  []string
	delay time.Duration // after scaling
	f     float64
}

func prepareServer(line string) (labServer, error) {
	args, err := splitArgs(line)
	if err != nil {
		return labServer{}, err
	}
	delay := 5 * time.Second // the examples' default
	v, i, eq := flagValue(args, "--delay")
	if i >= 0 {
		secs, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return labServer{}, fmt.Errorf("--delay %q: %v", v, err)
		}
		delay = time.Duration(secs * float64(time.Second))
	}
	f := math.Min(1, float64(labDelay)/float64(delay))
	scaled := scaleDur(delay, f)
	if i >= 0 {
		setFlag(args, i, eq, "--delay", strconv.FormatFloat(scaled.Seconds(), 'f', -1, 64))
	} else {
		args = append(args, "--delay", strconv.FormatFloat(scaled.Seconds(), 'f', -1, 64))
	}
	if _, j, eq := flagValue(args, "--port"); j >= 0 {
		setFlag(args, j, eq, "--port", "0")
	} else {
		args = append(args, "--port", "0")
	}
	return labServer{args: args, delay: scaled, f: f}, nil
}

// serverRuntimeMissing says why the server cannot run here, or "".
func serverRuntimeMissing(args []string) string {
	var err error
	switch prog := filepath.Base(args[0]); {
	case strings.HasPrefix(prog, "python"):
		err = child.Tornado(args[0])
	case prog == "node":
		err = child.Node()
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// labCommand is one lab command rewritten to run here.
type labCommand struct {
	written []string      // as written, delays shortened (no "blockprobe")
	json    []string      // the same with --format json and no --output; nil if not needed
	delay   time.Duration // D, after scaling
	f       float64
}

func prepareCommand(line string, srv *labServer, url string, needJSON bool) (labCommand, error) {
	args, err := splitArgs(line)
	if err != nil {
		return labCommand{}, err
	}
	args = args[1:] // "blockprobe"
	c := labCommand{f: 1}
	target, ti, teq := flagValue(args, "--target")
	if sweepsDelay(args) {
		// The delays are the sweep's subject: kept as written.
	} else if ti >= 0 {
		if srv == nil {
			return c, errors.New("--target without a lab-server block before it")
		}
		setFlag(args, ti, teq, "--target", strings.Replace(target, labStudentURL, url, 1))
		c.delay, c.f = srv.delay, srv.f
	} else {
		d := 5 * time.Second // the embedded target's default
		v, i, eq := flagValue(args, "--complex-delay")
		if i >= 0 {
			if d, err = time.ParseDuration(v); err != nil {
				return c, fmt.Errorf("--complex-delay %q: %v", v, err)
			}
		}
		c.f = math.Min(1, float64(labDelay)/float64(d))
		c.delay = scaleDur(d, c.f)
		if i >= 0 {
			setFlag(args, i, eq, "--complex-delay", c.delay.String())
		} else {
			args = append(args, "--complex-delay", c.delay.String())
		}
	}
	if v, i, eq := flagValue(args, "--duration"); i >= 0 {
		d, err := time.ParseDuration(v)
		if err != nil {
			return c, fmt.Errorf("--duration %q: %v", v, err)
		}
		setFlag(args, i, eq, "--duration", scaleDur(d, c.f).String())
	}
	for i := 0; i < len(args); i++ {
		switch {
		case (args[i] == "--expect" || args[i] == "--slo") && i+1 < len(args):
			args[i+1] = scaleThresholds(args[i+1], c.f)
		case strings.HasPrefix(args[i], "--expect=") || strings.HasPrefix(args[i], "--slo="):
			args[i] = scaleThresholds(args[i], c.f)
		}
	}
	c.written = args
	if needJSON {
		var j []string
		for i := 0; i < len(args); i++ {
			a := args[i]
			switch {
			case a == "--format" || a == "-o" || a == "--output":
				i++
			case strings.HasPrefix(a, "--format=") || strings.HasPrefix(a, "--output=") || strings.HasPrefix(a, "-o="):
			case a == "--timeline" || strings.HasPrefix(a, "--timeline="): // draws on text reports only
			default:
				j = append(j, a)
			}
		}
		c.json = append(j, "--format", "json")
	}
	return c, nil
}

// sweepsDelay reports whether args (without "blockprobe") are a sweep over
// the complex delay.
func sweepsDelay(args []string) bool {
	if len(args) == 0 || args[0] != "sweep" {
		return false
	}
	vary, _, _ := flagValue(args, "--vary")
	findMax, _, _ := flagValue(args, "--find-max")
	return strings.HasPrefix(vary, "complex-delay=") || findMax == "complex-delay"
}

// labRun is what one command did.
type labRun struct {
	cmd            labCommand
	code           int            // of the JSON run, or of the run as written
	writtenCode    int            // -1 if not run as written
	stdout, stderr string         // of the run as written (text)
	jsonErr        string         // stderr of the JSON run
	report         map[string]any // the JSON report, nil if not run
	dir            string         // working directory of the run as written
}

func TestLab(t *testing.T) {
	text := readFile(t, "../LAB.md")
	blocks, exercises, err := parseLab(string(text))
	if err != nil {
		t.Fatal(err)
	}
	if exercises < 7 {
		t.Errorf("LAB.md has %d '## Exercise N' sections, want at least 7", exercises)
	}
	runMarkedBlocks(t, blocks)
}

// TestREADME keeps the README's claims true the same way: its blocks
// marked "sh lab" (the commands a reader is told to run) run with the
// lab's shortened delays, and the check beside each must hold.
func TestREADME(t *testing.T) {
	text := readFile(t, "../README.md")
	blocks, _, err := parseMarked("README.md", string(text), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) < 4 {
		t.Errorf("README.md has %d marked (sh lab) blocks, want at least 4", len(blocks))
	}
	runMarkedBlocks(t, blocks)
}

// runMarkedBlocks runs blocks, a few light ones at a time, then the heavy
// ones (busy computation) one by one.
func runMarkedBlocks(t *testing.T, blocks []labBlock) {
	var light, heavy []labBlock
	for _, b := range blocks {
		// A real server's computation (exercises 5 and 10) counts too.
		all := b.server + "\n" + strings.Join(b.commands, "\n")
		if strings.Contains(all, "--work cpu") || strings.Contains(all, "--work=cpu") {
			heavy = append(heavy, b)
		} else {
			light = append(light, b)
		}
	}
	// A few blocks at a time: more would measure the machine's load, and the
	// lab's "fast" thresholds are a few milliseconds.
	slots := make(chan struct{}, labParallel)
	t.Run("parallel", func(t *testing.T) {
		for _, b := range light {
			t.Run(b.name(), func(t *testing.T) {
				t.Parallel()
				slots <- struct{}{}
				defer func() { <-slots }()
				runLabBlock(t, b)
			})
		}
	})
	// Busy computation competes with everything else running: one at a time.
	for _, b := range heavy {
		t.Run(b.name(), func(t *testing.T) { runLabBlock(t, b) })
	}
}

func runLabBlock(t *testing.T, b labBlock) {
	items, err := parseChecks(b.check)
	if err != nil {
		t.Fatalf("%s: check %q: %v", b.at(), b.check, err)
	}
	needJSON, needWritten := false, false
	for _, it := range items {
		switch it.kind {
		case "exit":
		case "says", "file":
			needWritten = true
		default:
			needJSON = true
		}
	}
	for _, c := range b.commands {
		if needJSON && strings.HasPrefix(c, "blockprobe sweep ") {
			t.Fatalf("%s: a sweep's block checks exit codes and text only (exit, says), not %q", b.at(), b.check)
		}
	}
	var srv *labServer
	url := ""
	if b.server != "" {
		s, err := prepareServer(b.server)
		if err != nil {
			t.Fatalf("%s: server %q: %v", b.at(), b.server, err)
		}
		if why := serverRuntimeMissing(s.args); why != "" {
			t.Skipf("%s; .ci/run installs it", why)
		}
		cmd := exec.Command(s.args[0], s.args[1:]...)
		cmd.Dir = ".."
		url = child.Start(t, cmd, child.Options{}).URL
		srv = &s
	}
	var failures []string
	for attempt := 1; attempt <= labAttempts; attempt++ {
		failures = labAttempt(t, b, items, srv, url, needJSON, needWritten)
		if len(failures) == 0 {
			return
		}
		if attempt < labAttempts {
			t.Logf("attempt %d of %d failed, trying again (a busy machine can delay one probe):\n%s", attempt, labAttempts, strings.Join(failures, "\n"))
		}
	}
	for _, f := range failures {
		t.Error(f)
	}
}

// labAttempt runs a block's commands once and returns what did not hold.
func labAttempt(t *testing.T, b labBlock, items []checkItem, srv *labServer, url string, needJSON, needWritten bool) []string {
	var failures []string
	fail := func(format string, args ...any) { failures = append(failures, fmt.Sprintf(format, args...)) }
	runs := make([]*labRun, len(b.commands))
	for i, line := range b.commands {
		c, err := prepareCommand(line, srv, url, needJSON)
		if err != nil {
			t.Fatalf("%s: %q: %v", b.at(), line, err)
		}
		r := &labRun{cmd: c, writtenCode: -1}
		written := needWritten || !needJSON || hasOwnOutput(c.written)
		if written {
			r.dir = t.TempDir()
			res := runIn(t, r.dir, c.written)
			r.writtenCode, r.code, r.stdout, r.stderr = res.code, res.code, res.stdout, res.stderr
		}
		if c.json != nil {
			res := runIn(t, t.TempDir(), c.json)
			if written && res.code != r.writtenCode {
				fail("%s command %d: exit %d as written but %d with --format json", b.at(), i+1, r.writtenCode, res.code)
			}
			r.code, r.jsonErr = res.code, res.stderr
			if err := json.Unmarshal([]byte(res.stdout), &r.report); err != nil {
				fail("%s command %d, blockprobe %s: exit %d, stdout is not a JSON report (%v); stderr: %s",
					b.at(), i+1, strings.Join(c.json, " "), res.code, err, res.stderr)
				return failures
			}
		}
		runs[i] = r
	}
	// Every command exits 0 unless an exit item says otherwise.
	want := make([]int, len(runs))
	for _, it := range items {
		if it.kind == "exit" {
			for i := range runs {
				if it.at == 0 || it.at == i+1 {
					want[i] = it.n
				}
			}
		}
	}
	for i, r := range runs {
		stderr := r.stderr + r.jsonErr
		if r.code != want[i] {
			fail("%s command %d: blockprobe %s\nexit %d, want %d; stderr: %s", b.at(), i+1, strings.Join(r.cmd.written, " "), r.code, want[i], stderr)
		} else if want[i] == 1 && !regexp.MustCompile(`measured .*\d`).MatchString(stderr) {
			fail("%s command %d: exit 1 but stderr does not say what was measured: %q", b.at(), i+1, stderr)
		}
	}
	for _, it := range items {
		if it.kind == "exit" {
			continue
		}
		for i, r := range runs {
			if !it.appliesTo(i + 1) {
				continue
			}
			if err := it.eval(runs, i); err != nil {
				if it.once() {
					fail("%s (D shortened to %v): %q does not hold: %v", b.at(), r.cmd.delay, it.src, err)
				} else {
					fail("%s command %d (blockprobe %s, D shortened to %v): %q does not hold: %v",
						b.at(), i+1, strings.Join(r.cmd.written, " "), r.cmd.delay, it.src, err)
				}
			}
			if it.once() {
				break
			}
		}
	}
	return failures
}

// hasOwnOutput: the command shapes its output itself (a format, a file, a
// drawing), so it also runs as written, to see that this works.
func hasOwnOutput(args []string) bool {
	for _, a := range args {
		if a == "--format" || a == "-o" || a == "--output" || a == "--timeline" ||
			strings.HasPrefix(a, "--format=") || strings.HasPrefix(a, "--output=") || strings.HasPrefix(a, "--timeline=") {
			return true
		}
	}
	return false
}

// A check item, parsed.
type checkItem struct {
	src  string
	kind string // exit starved not-starved ramp waves culprit says file compare
	run  string // RUN: prefix (compare runs)
	at   int    // @N, 0 for every command
	n    int    // exit code, wave count
	text string // culprit, says, file

	lhs, rhs labRef // compare
	op       string
	value    float64 // compare: absolute value (ms or a count)
	unit     string  // compare: "ms", "D", "x" (rhs times value) or "" (a count)
}

type labRef struct {
	run, path string
	at        int
}

func (it checkItem) appliesTo(cmd int) bool {
	if it.kind == "compare" {
		return true
	}
	return it.at == 0 || it.at == cmd
}

// once: an item that names its commands is evaluated once, not per command.
func (it checkItem) once() bool {
	if it.kind == "compare" {
		return it.lhs.at != 0 && (it.unit != "x" || it.rhs.at != 0)
	}
	return it.at != 0
}

var (
	reAt      = regexp.MustCompile(`^(.*?)@(\d+)$`)
	reRef     = regexp.MustCompile(`^(?:([a-z]+):)?((?:main|complex)\.[a-z_]+\.[a-z0-9]+|loop\.[a-z_0-9]+)(?:@(\d+))?$`)
	reCompare = regexp.MustCompile(`^(\S+)\s*(<=|>=|<|>)\s*(.+)$`)
	reRatio   = regexp.MustCompile(`^(\d+(?:\.\d+)?)\s*x\s+(\S+)$`)
	reTimesD  = regexp.MustCompile(`^(\d+(?:\.\d+)?)?D$`)
)

func parseRef(s string) (labRef, error) {
	m := reRef.FindStringSubmatch(s)
	if m == nil {
		return labRef{}, fmt.Errorf("not a report figure: %q", s)
	}
	at, _ := strconv.Atoi(m[3])
	return labRef{run: m[1], path: m[2], at: at}, nil
}

func parseChecks(s string) ([]checkItem, error) {
	var items []checkItem
	for _, src := range strings.Split(s, ";") {
		src = strings.TrimSpace(src)
		if src == "" {
			continue
		}
		it := checkItem{src: src}
		if m := reCompare.FindStringSubmatch(src); m != nil {
			it.kind, it.op = "compare", m[2]
			var err error
			if it.lhs, err = parseRef(m[1]); err != nil {
				return nil, err
			}
			v := strings.TrimSpace(m[3])
			if r := reRatio.FindStringSubmatch(v); r != nil {
				it.value, _ = strconv.ParseFloat(r[1], 64)
				it.unit = "x"
				if it.rhs, err = parseRef(r[2]); err != nil {
					return nil, err
				}
			} else if r := reTimesD.FindStringSubmatch(v); r != nil {
				it.value, it.unit = 1, "D"
				if r[1] != "" {
					it.value, _ = strconv.ParseFloat(r[1], 64)
				}
			} else if d, err := time.ParseDuration(strings.ReplaceAll(v, "µs", "us")); err == nil {
				it.value, it.unit = float64(d)/float64(time.Millisecond), "ms"
			} else if n, err := strconv.ParseFloat(v, 64); err == nil {
				it.value = n
			} else {
				return nil, fmt.Errorf("value %q: want a duration, a multiple of D, a number or 'F x FIGURE'", v)
			}
			items = append(items, it)
			continue
		}
		body := src
		if m := reAt.FindStringSubmatch(body); m != nil {
			body = m[1]
			it.at, _ = strconv.Atoi(m[2])
		}
		if i := strings.Index(body, ":"); i > 0 && !strings.ContainsAny(body[:i], " \"") {
			it.run, body = body[:i], body[i+1:]
		}
		word, rest, _ := strings.Cut(strings.TrimSpace(body), " ")
		rest = strings.TrimSpace(rest)
		it.kind = word
		switch word {
		case "exit", "waves":
			n, err := strconv.Atoi(rest)
			if err != nil || n < 0 || (word == "waves" && n < 1) {
				return nil, fmt.Errorf("%s wants a count, got %q", word, rest)
			}
			it.n = n
		case "status":
			if rest == "" {
				return nil, fmt.Errorf("status wants ok, failed, inconclusive or interrupted")
			}
			it.text = rest
		case "starved", "not-starved", "ramp":
			if rest != "" {
				return nil, fmt.Errorf("%s takes no argument", word)
			}
		case "culprit", "file":
			if rest == "" {
				return nil, fmt.Errorf("%s wants a name", word)
			}
			it.text = rest
		case "says":
			t, err := strconv.Unquote(rest)
			if err != nil {
				return nil, fmt.Errorf(`says wants "TEXT", got %s`, rest)
			}
			it.text = t
		default:
			return nil, fmt.Errorf("unknown check %q", word)
		}
		if it.run != "" && word != "starved" && word != "not-starved" {
			return nil, fmt.Errorf("only starved and not-starved take a RUN: prefix")
		}
		items = append(items, it)
	}
	if len(items) == 0 {
		return nil, errors.New("empty check")
	}
	return items, nil
}

// reportsOf returns the run objects of a report that a RUN: prefix selects:
// the report itself for run, every run (or the named one) for compare.
func reportsOf(r *labRun, run string) ([]map[string]any, error) {
	if r.report == nil {
		return nil, errors.New("no JSON report")
	}
	list, isCompare := r.report["runs"].([]any)
	if !isCompare {
		if run != "" {
			return nil, fmt.Errorf("run %q named, but this is not a compare report", run)
		}
		return []map[string]any{r.report}, nil
	}
	var out []map[string]any
	for _, x := range list {
		m, _ := x.(map[string]any)
		if run == "" || m["label"] == run || (m["label"] == nil && m["mode"] == run) {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no run %q in the compare report", run)
	}
	return out, nil
}

func dig(m map[string]any, keys ...string) (any, bool) {
	var cur any = m
	for _, k := range keys {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = mm[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// figure reads a REF's number from one run object (milliseconds for
// durations, a plain number for counts).
func figure(rep map[string]any, path string) (float64, error) {
	parts := strings.Split(path, ".")
	var v any
	var ok bool
	if parts[0] == "loop" {
		if v, ok = dig(rep, "loop", parts[1]+"_ms"); !ok {
			v, ok = dig(rep, "loop", parts[1])
		}
	} else {
		stat := parts[2]
		switch stat {
		case "count", "ok", "errors":
		default:
			stat += "_ms"
		}
		v, ok = dig(rep, "endpoints", parts[0], parts[1], stat)
	}
	if !ok {
		return 0, fmt.Errorf("the report has no %s", path)
	}
	f, isNum := v.(float64)
	if !isNum {
		return 0, fmt.Errorf("%s is %v, not a number", path, v)
	}
	return f, nil
}

func (it checkItem) eval(runs []*labRun, cur int) error {
	pick := func(at int) (*labRun, error) {
		if at == 0 {
			return runs[cur], nil
		}
		if at > len(runs) {
			return nil, fmt.Errorf("@%d, but the block has %d commands", at, len(runs))
		}
		return runs[at-1], nil
	}
	r, err := pick(it.at)
	if err != nil {
		return err
	}
	D := float64(r.cmd.delay) / float64(time.Millisecond)
	switch it.kind {
	case "says":
		if !strings.Contains(r.stdout, it.text) {
			return fmt.Errorf("output lacks %q:\n%s", it.text, r.stdout)
		}
		return nil
	case "file":
		fi, err := os.Stat(filepath.Join(r.dir, it.text))
		if err != nil || fi.Size() == 0 {
			return fmt.Errorf("no file %s written (%v)", it.text, err)
		}
		return nil
	case "compare":
		return it.evalCompare(pick)
	}
	reps, err := reportsOf(r, it.run)
	if err != nil {
		return err
	}
	for _, rep := range reps {
		label := ""
		if l, ok := rep["label"].(string); ok && len(reps) > 1 {
			label = l + ": "
		}
		if err := labCheckRun(it, rep, D); err != nil {
			return fmt.Errorf("%s%v", label, err)
		}
	}
	return nil
}

func labCheckRun(it checkItem, rep map[string]any, D float64) error {
	switch it.kind {
	case "starved", "not-starved":
		starved, _ := dig(rep, "verdict", "starved")
		summary, _ := dig(rep, "verdict", "summary")
		if starved != (it.kind == "starved") {
			return fmt.Errorf("verdict: %v", summary)
		}
	case "status":
		if s, _ := dig(rep, "status"); s != it.text {
			reason, _ := dig(rep, "status_reason")
			return fmt.Errorf("status %v (%v)", s, reason)
		}
	case "culprit":
		h, _ := dig(rep, "loop", "slowest_handler")
		if h != it.text {
			return fmt.Errorf("the loop's slowest callback ran in %v", h)
		}
	case "ramp":
		return labCheckRamp(rep, D)
	case "waves":
		return labCheckWaves(rep, D, it.n)
	}
	return nil
}

type labRequest struct {
	endpoint, phase, err string
	scheduled, latency   float64
	status               float64
}

func requestsOf(rep map[string]any) []labRequest {
	list, _ := rep["requests"].([]any)
	var out []labRequest
	for _, x := range list {
		m, _ := x.(map[string]any)
		q := labRequest{}
		q.endpoint, _ = m["endpoint"].(string)
		q.phase, _ = m["phase"].(string)
		q.err, _ = m["error"].(string)
		q.scheduled, _ = m["scheduled_ms"].(float64)
		q.latency, _ = m["latency_ms"].(float64)
		q.status, _ = m["status"].(float64)
		out = append(out, q)
	}
	return out
}

func labCheckRamp(rep map[string]any, D float64) error {
	var probes []labRequest
	for _, q := range requestsOf(rep) {
		if q.endpoint == "main" && q.phase == "loaded" {
			probes = append(probes, q)
		}
	}
	if len(probes) < 3 {
		return fmt.Errorf("%d probes under load, too few for a ramp", len(probes))
	}
	sort.Slice(probes, func(i, j int) bool { return probes[i].scheduled < probes[j].scheduled })
	lat := make([]string, len(probes))
	maxLat := 0.0
	for i, p := range probes {
		lat[i] = fmt.Sprintf("%.0f", p.latency)
		maxLat = math.Max(maxLat, p.latency)
	}
	first, last := probes[0].latency, probes[len(probes)-1].latency
	shape := fmt.Sprintf("probe latencies in ms, in the order they were due: %s (D = %.0fms)", strings.Join(lat, " "), D)
	if first < 0.7*D || last > first/2 || maxLat > 1.2*D {
		return fmt.Errorf("not a ramp from about D down to about 0: %s", shape)
	}
	for i := 1; i < len(probes); i++ {
		if probes[i].latency > probes[i-1].latency+D/10 {
			return fmt.Errorf("the ramp rises at probe %d: %s", i+1, shape)
		}
	}
	return nil
}

func labCheckWaves(rep map[string]any, D float64, k int) error {
	var lat []float64
	for _, q := range requestsOf(rep) {
		if q.endpoint == "complex" && q.err == "" && q.status == 200 {
			lat = append(lat, q.latency)
		}
	}
	sort.Float64s(lat)
	if len(lat) == 0 {
		return errors.New("no ComplexHandler request answered")
	}
	seen := map[int]bool{}
	for _, l := range lat {
		w := int(math.Round(l / D))
		if w < 1 || w > k || math.Abs(l-float64(w)*D) > D/5 {
			return fmt.Errorf("ComplexHandler latency %.0fms is not near one of %d waves of D = %.0fms; all: %.0f", l, k, D, lat)
		}
		seen[w] = true
	}
	if len(seen) != k {
		return fmt.Errorf("ComplexHandler latencies form %d waves, want %d (D = %.0fms): %.0f", len(seen), k, D, lat)
	}
	return nil
}

func (it checkItem) evalCompare(pick func(int) (*labRun, error)) error {
	read := func(ref labRef) (float64, float64, error) {
		r, err := pick(ref.at)
		if err != nil {
			return 0, 0, err
		}
		reps, err := reportsOf(r, ref.run)
		if err != nil {
			return 0, 0, err
		}
		if len(reps) != 1 {
			return 0, 0, fmt.Errorf("%s: name one run of the compare report (RUN:%s)", ref.path, ref.path)
		}
		v, err := figure(reps[0], ref.path)
		return v, float64(r.cmd.delay) / float64(time.Millisecond), err
	}
	got, D, err := read(it.lhs)
	if err != nil {
		return err
	}
	want, what := it.value, ""
	switch it.unit {
	case "D":
		want, what = it.value*D, fmt.Sprintf("%gD = %.1fms", it.value, it.value*D)
	case "x":
		other, _, err := read(it.rhs)
		if err != nil {
			return err
		}
		want, what = it.value*other, fmt.Sprintf("%gx %.3fms", it.value, other)
	case "ms":
		if it.value >= 100 {
			r, _ := pick(it.lhs.at)
			want = it.value * r.cmd.f
		}
		what = fmt.Sprintf("%.1fms", want)
	default:
		what = fmt.Sprintf("%g", want)
	}
	ok := false
	switch it.op {
	case "<":
		ok = got < want
	case "<=":
		ok = got <= want
	case ">":
		ok = got > want
	case ">=":
		ok = got >= want
	}
	if !ok {
		return fmt.Errorf("measured %.3f, want %s %s", got, it.op, what)
	}
	return nil
}

// The parser itself, on fixed input: a broken sheet must be refused.
func TestLabParserRefusesBrokenSheets(t *testing.T) {
	good := "## Exercise 1: x\n```sh lab\nblockprobe run --mode blocking --complex-delay 2s\n```\n<!-- check: starved; ramp -->\n"
	if blocks, n, err := parseLab(good); err != nil || n != 1 || len(blocks) != 1 || blocks[0].check != "starved; ramp" {
		t.Fatalf("good sheet: %v, %d exercises, %+v", err, n, blocks)
	}
	bad := map[string]string{
		"no check":        "## Exercise 1: x\n```sh lab\nblockprobe run\n```\n\nsome text\n",
		"not blockprobe":  "## Exercise 1: x\n```sh lab\ncurl http://x\n```\n<!-- check: exit 0 -->\n",
		"no marked block": "## Exercise 1: x\n```sh\nblockprobe run\n```\n",
		"dangling server": "## Exercise 1: x\n```sh lab-server\npython3 s.py\n```\n",
	}
	for name, sheet := range bad {
		if _, _, err := parseLab(sheet); err == nil {
			t.Errorf("%s: parsed without error", name)
		}
	}
	for _, c := range []string{"", "stravred", "waves", "waves two", "exit", "main.loaded.p99 < soon", "says unquoted", "ramp 3", "culprit"} {
		if _, err := parseChecks(c); err == nil {
			t.Errorf("check %q: parsed without error", c)
		}
	}
	if _, err := splitArgs("blockprobe run | jq ."); err == nil {
		t.Error("a pipe was accepted in a lab command")
	}
	c, err := prepareCommand("blockprobe run --complex-delay 2s --duration=4s --expect 'main.loaded.p99>1s' --expect 'main.loaded.p99<10ms'", nil, "", true)
	if err != nil {
		t.Fatal(err)
	}
	want := "run --complex-delay 300ms --duration=600ms --expect main.loaded.p99>150ms --expect main.loaded.p99<10ms"
	if got := strings.Join(c.written, " "); got != want || c.delay != 300*time.Millisecond {
		t.Errorf("shortened to %q (D %v), want %q (D 300ms)", got, c.delay, want)
	}
}
