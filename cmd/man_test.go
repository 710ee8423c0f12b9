package cmd

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// `blockprobe man DIR` writes one page per command a user can run, each
// named after its command, and none for itself: it is hidden.
func TestManWritesAPagePerCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "man", "man1")
	var out, errOut bytes.Buffer
	if code := Run(context.Background(), []string{"man", dir}, IOStreams{Out: &out, ErrOut: &errOut}); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}

	root := NewRootCmd(IOStreams{})
	root.InitDefaultCompletionCmd()
	var want []string
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		want = append(want, strings.ReplaceAll(c.CommandPath(), " ", "-")+".1")
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() {
				walk(sub)
			}
		}
	}
	walk(root)
	for _, must := range []string{"blockprobe.1", "blockprobe-run.1", "blockprobe-completion-bash.1"} {
		if !slices.Contains(want, must) {
			t.Fatalf("the command tree has no %s: %v", must, want)
		}
	}

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("pages %v, want %v", got, want)
	}
	for _, name := range got {
		page, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		cmdName := strings.TrimSuffix(name, ".1")
		if !bytes.HasPrefix(page, []byte(".nh\n.TH ")) || !bytes.Contains(page, []byte("\n"+cmdName+" - ")) {
			t.Errorf("%s is not a man page for %s:\n%.200s", name, cmdName, page)
		}
		if bytes.Contains(page, []byte("Auto generated")) {
			t.Errorf("%s carries a generation date: a rebuilt release would differ", name)
		}
	}
}

func TestManUnwritableDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var errOut bytes.Buffer
	code := Run(context.Background(), []string{"man", filepath.Join(file, "man1")}, IOStreams{Out: &bytes.Buffer{}, ErrOut: &errOut})
	if code != ExitOutput || !strings.Contains(errOut.String(), "man pages") {
		t.Errorf("exit %d, stderr %q: want %d and a line about the man pages", code, errOut.String(), ExitOutput)
	}
}
