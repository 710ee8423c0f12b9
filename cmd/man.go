package cmd

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// NewCmdMan builds the hidden `blockprobe man DIR`, which release builds run
// to ship a man page for every command (.goreleaser.yaml).
func NewCmdMan(IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:    "man DIR",
		Short:  "Write a man page for every command into DIR",
		Args:   cobra.ExactArgs(1),
		Hidden: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return writeManPages(cmd.Root(), args[0])
		},
	}
}

// writeManPages writes blockprobe.1, blockprobe-run.1, ... into dir. The
// pages carry no generation date of their own (cobra's "Auto generated"
// line), and their header date honours SOURCE_DATE_EPOCH, so a release
// rebuilt from the same commit ships the same pages.
func writeManPages(root *cobra.Command, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return withCode(ExitOutput, fmt.Errorf("man pages: %w", err))
	}
	disableAutoGenTag(root)
	info := currentBuild()
	header := &doc.GenManHeader{
		Section: "1",
		Source:  "blockprobe " + info.Version,
		Manual:  "blockprobe manual",
	}
	if err := doc.GenManTree(root, header, dir); err != nil {
		return withCode(ExitOutput, fmt.Errorf("man pages: %w", err))
	}
	return nil
}

func disableAutoGenTag(c *cobra.Command) {
	c.DisableAutoGenTag = true
	for _, sub := range c.Commands() {
		disableAutoGenTag(sub)
	}
}
