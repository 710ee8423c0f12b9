package cmd

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/blockprobe/blockprobe/probe"
	"github.com/blockprobe/blockprobe/target"
)

// subject is one thing to measure: the embedded target in one configuration,
// or an external server.
type subject struct {
	label    string        // the run's name in reports and expectations
	embedded target.Config // used when url is empty
	url      string        // an external target's base URL
	mainPath string
	cplxPath string
}

func (s subject) external() bool { return s.url != "" }

// parseTargets turns --target values (URL or name=URL) into subjects.
func parseTargets(values []string, mainPath, complexPath string) ([]subject, error) {
	var out []subject
	seen := map[string]bool{}
	for _, v := range values {
		name, raw, found := strings.Cut(v, "=")
		if !found || strings.Contains(name, "/") {
			name, raw = "", v
		}
		u, err := parseTargetURL(raw)
		if err != nil {
			return nil, usageErrorf("--target %q: %v", probe.RedactURLs(v), err)
		}
		if name == "" {
			name = u.Host
		}
		if seen[name] {
			return nil, usageErrorf("--target %q: two targets named %q; name them with name=URL", probe.RedactURLs(v), name)
		}
		seen[name] = true
		out = append(out, subject{label: name, url: strings.TrimRight(raw, "/"), mainPath: mainPath, cplxPath: complexPath})
	}
	return out, nil
}

// parseTargetURL checks a target's base URL: the paths are appended to it,
// so it can carry no query or fragment, and its port must be one.
func parseTargetURL(raw string) (*url.URL, error) {
	if err := probe.CheckURL(raw); err != nil {
		return nil, fmt.Errorf("%w, or name=URL", err)
	}
	u, _ := url.Parse(raw)
	switch {
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#"):
		return nil, errors.New("a base URL takes no query or fragment: the paths are appended to it (put a query in --main-path and --complex-path)")
	}
	return u, probe.CheckURL(raw)
}
