package cmd

import (
	"runtime/debug"
	"testing"
)

func TestResolveBuild(t *testing.T) {
	const rev = "0123456789abcdef0123456789abcdef01234567"
	vcs := func(modified string) []debug.BuildSetting {
		return []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: rev},
			{Key: "vcs.time", Value: "2026-11-30T12:00:00Z"},
			{Key: "vcs.modified", Value: modified},
		}
	}
	cases := []struct {
		name                  string
		version, commit, date string
		info                  *debug.BuildInfo
		want                  string
	}{
		{"release build: ldflags win over build info", "1.2.3", rev, "2026-12-01T09:00:00Z",
			&debug.BuildInfo{Main: debug.Module{Version: "v9.9.9"}, Settings: vcs("true")},
			"1.2.3, commit 0123456789ab of 2026-12-01T09:00:00Z"},
		{"go install @version: the module version", "dev", "", "",
			&debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}},
			"v1.4.0"},
		{"build in a checkout: the VCS revision and time", "dev", "", "",
			&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("false")},
			"dev, commit 0123456789ab of 2026-11-30T12:00:00Z"},
		{"build in a changed checkout: dirty", "dev", "", "",
			&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("true")},
			"dev, commit 0123456789ab-dirty of 2026-11-30T12:00:00Z"},
		{"nothing known: dev", "dev", "", "",
			&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}},
			"dev"},
		{"no build info at all: dev", "dev", "", "", nil, "dev"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := resolveBuild(tc.version, tc.commit, tc.date, tc.info).String(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
