package cmd_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The -X paths a release build stamps (.goreleaser.yaml) reach `version`: a
// wrong package path in ldflags is silently ignored by the linker.
func TestVersionStampedByLdflags(t *testing.T) {
	stamped := filepath.Join(t.TempDir(), "blockprobe")
	const pkg = "github.com/blockprobe/blockprobe/cmd."
	ldflags := "-X " + pkg + "version=1.2.3 -X " + pkg + "commit=0123456789abcdef -X " + pkg + "date=2026-12-01T09:00:00Z"
	build := exec.Command("go", "build", "-ldflags", ldflags, "-o", stamped, "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(stamped, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "blockprobe 1.2.3, commit 0123456789ab of 2026-12-01T09:00:00Z ("
	if !strings.HasPrefix(string(out), want) {
		t.Errorf("version printed %q, want it to start %q", out, want)
	}
}
