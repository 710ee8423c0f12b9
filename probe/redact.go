package probe

import (
	"net/url"
	"regexp"
	"strings"
)

// Redacted stands where a secret was taken out of an output.
const Redacted = "REDACTED"

// userinfo matches the credentials of a URL written anywhere in a text.
var userinfo = regexp.MustCompile(`(?i)([a-z][a-z0-9+.-]*://)[^/?#\s@]*@`)

// RedactURLs takes the credentials (user:password@) out of every URL in s,
// for reports, logs and errors that may be published.
func RedactURLs(s string) string {
	return userinfo.ReplaceAllString(s, "${1}"+Redacted+"@")
}

// secrets lists what a run must never write: the credentials of its URLs
// and the values of its headers, each of which a request may carry.
func (o *Options) secrets() []string {
	var out []string
	for _, raw := range []string{o.MainURL, o.ComplexURL} {
		if u, err := url.Parse(raw); err == nil && u.User != nil {
			out = append(out, u.User.String())
			if p, ok := u.User.Password(); ok && p != "" {
				out = append(out, p)
			}
		}
	}
	for _, vs := range o.Header {
		for _, v := range vs {
			if len(v) >= 4 { // a shorter value would redact common words
				out = append(out, v)
			}
		}
	}
	return out
}

// scrub takes every secret of the run out of s.
func scrub(s string, secrets []string) string {
	for _, x := range secrets {
		s = strings.ReplaceAll(s, x, Redacted)
	}
	return RedactURLs(s)
}
