package cmd

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Stamped at build time by a release build (.goreleaser.yaml):
//
//	-ldflags "-X github.com/blockprobe/blockprobe/cmd.version=1.2.3
//	          -X github.com/blockprobe/blockprobe/cmd.commit=<sha>
//	          -X github.com/blockprobe/blockprobe/cmd.date=<the commit's date, RFC 3339>"
var (
	version = "dev"
	commit  = ""
	date    = ""
)

// NewCmdVersion builds `blockprobe version`.
func NewCmdVersion(streams IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print blockprobe's version, commit and commit date",
		Args:  cobra.NoArgs,
		Run: func(*cobra.Command, []string) {
			fmt.Fprintf(streams.Out, "blockprobe %s (%s, %s/%s)\n", currentBuild(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
		},
	}
}

// build says which source a binary was built from.
type build struct {
	Version string // a release ("1.2.3"), a module version ("v1.2.3") or "dev"
	Commit  string // the VCS revision, "" when unknown
	Date    string // the commit's date, "" when unknown
}

// String is "VERSION", followed by ", commit C" and " of DATE" when known.
func (b build) String() string {
	s := b.Version
	if b.Commit != "" {
		s += ", commit " + b.Commit
	}
	if b.Date != "" {
		s += " of " + b.Date
	}
	return s
}

// currentBuild is the build of the running binary.
func currentBuild() build {
	info, _ := debug.ReadBuildInfo()
	return resolveBuild(version, commit, date, info)
}

// resolveBuild picks each field from the ldflags when a release build set
// them, else from the build info the Go toolchain embeds: the module version
// for `go install ...@vX`, and vcs.revision and vcs.time for a build in a
// checkout (which has no module version).
func resolveBuild(version, commit, date string, info *debug.BuildInfo) build {
	b := build{Version: version, Commit: short(commit), Date: date}
	if info == nil {
		return b
	}
	if b.Version == "dev" {
		if v := info.Main.Version; v != "" && v != "(devel)" {
			b.Version = v
		}
	}
	vcs := map[string]string{}
	for _, s := range info.Settings {
		vcs[s.Key] = s.Value
	}
	if b.Commit == "" && vcs["vcs.revision"] != "" {
		b.Commit = short(vcs["vcs.revision"])
		if vcs["vcs.modified"] == "true" {
			b.Commit += "-dirty"
		}
	}
	if b.Date == "" {
		b.Date = vcs["vcs.time"]
	}
	return b
}

// short cuts a commit hash to 12 hex digits: enough to find it in the
// repository, short enough to read in a bug report.
func short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	return commit
}
