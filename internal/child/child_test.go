package child

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// A line split across writes is found once; later lines, even matching
// ones, neither block the writer nor replace it; the tail stays bounded.
func TestWatcherFindsTheFirstLine(t *testing.T) {
	w := newWatcher(listening)
	for _, p := range []string{"starting\nlisten", "ing on http://127.0.0.1:", "8888\nlistening on http://127.0.0.1:9999\n"} {
		if n, err := w.Write([]byte(p)); n != len(p) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", p, n, err)
		}
	}
	if got := <-w.found; got != "http://127.0.0.1:8888" {
		t.Errorf("found %q, want the first address", got)
	}
	done := make(chan struct{})
	go func() {
		_, _ = w.Write([]byte("listening on http://127.0.0.1:7777\n"))
		_, _ = w.Write(bytes.Repeat([]byte("x"), 3*tailSize))
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("a write after the match blocked")
	}
	select {
	case again := <-w.found:
		t.Errorf("found again: %q", again)
	default:
	}
	if got := w.tail(); len(got) != tailSize || !bytes.Equal(got, bytes.Repeat([]byte("x"), tailSize)) {
		t.Errorf("tail is %d bytes, want the last %d", len(got), tailSize)
	}
}

// Start returns the address a real child prints, and its agent's.
func TestStartReadsWhatTheServerSays(t *testing.T) {
	cmd := exec.Command("sh", "-c", `printf 'listening on http://127.0.0.1:4242\n'; printf 'agent: /debug/loop on http://127.0.0.1:4343/debug/loop\n' >&2; exec sleep 30`)
	began := time.Now()
	srv := Start(t, cmd, Options{Agent: true, Within: 10 * time.Second})
	if srv.URL != "http://127.0.0.1:4242" || srv.Agent != "http://127.0.0.1:4343/debug/loop" || srv.Pid == 0 {
		t.Errorf("Start = %+v", srv)
	}
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("Start took %s: it waited for the child to exit", took)
	}
}

func TestExitCode(t *testing.T) {
	if code, err := ExitCode(exec.Command("sh", "-c", "exit 3").Run()); code != 3 || err != nil {
		t.Errorf("exit 3: %d, %v", code, err)
	}
	if code, err := ExitCode(exec.Command("true").Run()); code != 0 || err != nil {
		t.Errorf("true: %d, %v", code, err)
	}
	if _, err := ExitCode(exec.Command("/nonexistent/program").Run()); err == nil || !strings.Contains(err.Error(), "nonexistent") {
		t.Errorf("a program that cannot run: %v, want its error", err)
	}
}
