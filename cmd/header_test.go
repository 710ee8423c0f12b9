package cmd

import (
	"strings"
	"testing"
)

func TestParseHeader(t *testing.T) {
	cases := []struct {
		in, name, value string
		ok              bool
	}{
		{"X-Token: s3cret", "X-Token", "s3cret", true},
		{"x-token:s3cret", "X-Token", "s3cret", true},
		{"Host:  example.test ", "Host", "example.test", true},
		{"Empty:", "Empty", "", true},
		{"Cookie: a=b; c=d:e", "Cookie", "a=b; c=d:e", true},
		{"no colon", "", "", false},
		{": value", "", "", false},
		{"Bad Name: x", "", "", false},
		{"X-Evil: a\r\nInjected: b", "", "", false},
		{"Content-Length: 5", "", "", false},
		{"transfer-encoding: chunked", "", "", false},
		{"Connection: close", "", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			name, value, err := parseHeader(tc.in)
			if (err == nil) != tc.ok || name != tc.name || value != tc.value {
				t.Errorf("parseHeader(%q) = %q, %q, %v", tc.in, name, value, err)
			}
			if _, v, found := strings.Cut(tc.in, ":"); err != nil && found && len(strings.TrimSpace(v)) > 1 && strings.Contains(err.Error(), strings.TrimSpace(v)) {
				t.Errorf("the error %q repeats the header's value, which may be a secret", err)
			}
		})
	}
}

func FuzzParseHeader(f *testing.F) {
	for _, s := range []string{"X-Token: s3cret", "a:b", ":", "Bad Name: x", "X: a\r\nY: b", "X:\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, value, err := parseHeader(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "--header ") {
				t.Errorf("error %q does not name the flag", err)
			}
			return
		}
		if name == "" || strings.ContainsAny(name+value, "\r\n\x00") {
			t.Errorf("parseHeader(%q) accepted %q: %q", s, name, value)
		}
	})
}

func TestRedactArgs(t *testing.T) {
	cases := []struct{ in, want string }{
		{"run --target http://u:pw@h:1/x --header Authorization: Bearer T0K",
			"run --target http://REDACTED@h:1/x --header Authorization: REDACTED"},
		{"compare --target a=https://tok@h --header=X-Key:abc",
			"compare --target a=https://REDACTED@h --header=X-Key: REDACTED"},
		{"run --target=http://u:p@h --header nocolon", "run --target=http://REDACTED@h --header REDACTED"},
		{"run --mode blocking --rate 20", "run --mode blocking --rate 20"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			// "Authorization: Bearer T0K" is one argument, as a shell passes it.
			args := strings.Fields(tc.in)
			for i := range args {
				if args[i] == "Authorization:" {
					args = append(args[:i], append([]string{"Authorization: Bearer T0K"}, args[i+3:]...)...)
					break
				}
			}
			got := strings.Join(redactArgs(args), " ")
			if got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}
