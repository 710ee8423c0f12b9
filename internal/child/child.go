// Package child runs what tests start as child processes: the example
// servers in Python and Node, alone or under their loop agents, started and
// stopped one way, and the exit code of any program a test ran. Only tests
// import it.
package child

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Python is the interpreter the example servers run on: Debian's
// python3-tornado installs for it, and it need not be the first python3 on
// PATH.
const Python = "/usr/bin/python3"

// Tornado says why python (Python when empty) cannot run a Tornado server
// here, or nil when it can.
func Tornado(python string) error {
	if python == "" {
		python = Python
	}
	if err := exec.Command(python, "-c", "import tornado").Run(); err != nil {
		return fmt.Errorf("%s cannot import tornado (%v)", python, err)
	}
	return nil
}

// Node says why node cannot run here, or nil when it can.
func Node() error {
	if _, err := exec.LookPath("node"); err != nil {
		return errors.New("node is not installed")
	}
	return nil
}

// ExitCode is the exit code of a program that has run, from what Run or
// Wait returned: 0 for nil, the code for an exit status (-1 if a signal
// ended it), and err itself when the program could not run at all.
func ExitCode(err error) (int, error) {
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, nil
	case errors.As(err, &exit):
		return exit.ExitCode(), nil
	default:
		return -1, err
	}
}

// The lines a server and its loop agent print once they listen.
var (
	listening = regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)
	agentAt   = regexp.MustCompile(`/debug/loop on (http://127\.0\.0\.1:\d+/debug/loop)`)
)

// Options say how Start waits for a server and how it stops it.
type Options struct {
	// Agent waits, as well, for the loop agent's "/debug/loop on URL" line
	// on stderr.
	Agent bool
	// Within is how long the server may take to say where it listens
	// (20s when zero).
	Within time.Duration
	// Graceful stops the server with SIGTERM at the end of the test, and
	// fails the test unless it then exits with status 0 within 10s.
	// Otherwise it is killed.
	Graceful bool
}

// Server is a server Start started.
type Server struct {
	URL   string // from its "listening on URL" line on stdout
	Agent string // its agent's document, with Options.Agent
	Pid   int
}

// Start starts cmd, a server, waits until it says where it listens, and
// stops it when the test ends. Its output is read as it comes, so it never
// blocks on a full pipe; the last 64 KiB of its stderr go to the test's log
// if the test fails.
func Start(t testing.TB, cmd *exec.Cmd, o Options) Server {
	t.Helper()
	if o.Within <= 0 {
		o.Within = 20 * time.Second
	}
	out, errOut := newWatcher(listening), newWatcher(nil)
	if o.Agent {
		errOut.re = agentAt
	}
	cmd.Stdout, cmd.Stderr = out, errOut
	// A process pool's workers can outlive a killed server and hold its
	// pipes: Wait gives up on them after this long, and the server runs in
	// a process group of its own, which the cleanup ends whole. Before, each
	// run of the tests left its workers behind, idle, and a real CPython
	// measured beside a dozen of them (fidelity.sh, after go test in CI)
	// waited 2 to 20 times longer for its GIL, for reasons not found.
	cmd.WaitDelay = 2 * time.Second
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %v: %v", cmd.Args, err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		if o.Graceful {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-exited:
				if waitErr != nil {
					t.Errorf("%v after SIGTERM: %v, want exit status 0", cmd.Args, waitErr)
				}
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				<-exited
				t.Errorf("%v did not exit within 10s of SIGTERM", cmd.Args)
			}
		} else {
			_ = cmd.Process.Kill()
			<-exited
		}
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // what outlived it
		if t.Failed() {
			t.Logf("%v stderr:\n%s", cmd.Args, errOut.tail())
		}
	})
	srv := Server{Pid: cmd.Process.Pid}
	deadline := time.After(o.Within)
	for _, w := range []*watcher{out, errOut} {
		if w.re == nil {
			continue
		}
		var said string
		select {
		case said = <-w.found:
		case <-exited:
			select { // Wait has copied all it read: a line said is there
			case said = <-w.found:
			default:
				t.Fatalf("%v exited (%v) without saying %q", cmd.Args, waitErr, w.re)
			}
		case <-deadline:
			t.Fatalf("%v did not say %q within %s", cmd.Args, w.re, o.Within)
		}
		if w == out {
			srv.URL = said
		} else {
			srv.Agent = said
		}
	}
	return srv
}

// tailSize bounds what a watcher keeps of a stream for the test's log.
const tailSize = 64 << 10

// watcher is a child's stdout or stderr: it finds the first line re
// matches, and keeps the stream's end.
type watcher struct {
	mu    sync.Mutex
	re    *regexp.Regexp // nil: only keep the tail
	found chan string    // re's first submatch, once
	done  bool           // found
	line  []byte         // the line not yet ended
	kept  []byte
}

func newWatcher(re *regexp.Regexp) *watcher {
	return &watcher{re: re, found: make(chan string, 1)}
}

func (w *watcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.kept = append(w.kept, p...)
	if len(w.kept) > 2*tailSize {
		w.kept = append([]byte(nil), w.kept[len(w.kept)-tailSize:]...)
	}
	if w.re == nil || w.done {
		return len(p), nil
	}
	w.line = append(w.line, p...)
	for {
		i := bytes.IndexByte(w.line, '\n')
		if i < 0 {
			break
		}
		if m := w.re.FindSubmatch(w.line[:i]); m != nil {
			w.found <- string(m[1])
			w.done, w.line = true, nil
			return len(p), nil
		}
		w.line = w.line[i+1:]
	}
	if len(w.line) > tailSize { // no line is this long: drop it
		w.line = w.line[:0]
	}
	return len(p), nil
}

func (w *watcher) tail() []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.kept) > tailSize {
		return w.kept[len(w.kept)-tailSize:]
	}
	return append([]byte(nil), w.kept...)
}
