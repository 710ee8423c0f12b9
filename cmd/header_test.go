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
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			name, value, err := parseHeader(tc.in)
			if (err == nil) != tc.ok || name != tc.name || value != tc.value {
				t.Errorf("parseHeader(%q) = %q, %q, %v", tc.in, name, value, err)
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
