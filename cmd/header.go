package cmd

import (
	"fmt"
	"net/http"
	"net/textproto"
	"strings"

	"golang.org/x/net/http/httpguts"
)

// parseHeader reads a --header value, "Name: value".
func parseHeader(s string) (name, value string, err error) {
	name, value, found := strings.Cut(s, ":")
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	switch {
	case !found:
		return "", "", fmt.Errorf("--header %q: want 'Name: value'", s)
	case !httpguts.ValidHeaderFieldName(name):
		return "", "", fmt.Errorf("--header %q: %q is not a valid header name", s, name)
	case !httpguts.ValidHeaderFieldValue(value):
		return "", "", fmt.Errorf("--header %q: the value has characters a header cannot carry", s)
	}
	return textproto.CanonicalMIMEHeaderKey(name), value, nil
}

// parseHeaders reads every --header value into one header.
func parseHeaders(values []string) (http.Header, error) {
	if len(values) == 0 {
		return nil, nil
	}
	h := http.Header{}
	for _, v := range values {
		name, value, err := parseHeader(v)
		if err != nil {
			return nil, withCode(ExitUsage, err)
		}
		h.Add(name, value)
	}
	return h, nil
}
