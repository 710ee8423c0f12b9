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
	// The messages name the header, never its value: it may be a secret.
	case !found:
		return "", "", fmt.Errorf("--header wants 'Name: value': no colon in the value given")
	case !httpguts.ValidHeaderFieldName(name):
		return "", "", fmt.Errorf("--header %q: not a valid header name", name)
	case !httpguts.ValidHeaderFieldValue(value):
		return "", "", fmt.Errorf("--header %s: the value has characters a header cannot carry", name)
	}
	if managed[textproto.CanonicalMIMEHeaderKey(name)] {
		return "", "", fmt.Errorf("--header %s: blockprobe sets this header itself (it frames each request)", name)
	}
	return textproto.CanonicalMIMEHeaderKey(name), value, nil
}

// managed headers frame a request: a value given by the user would
// contradict the body actually sent, and the target would wait for bytes
// that never come, or read the next request as this one's body.
var managed = map[string]bool{"Content-Length": true, "Transfer-Encoding": true, "Connection": true, "Te": true, "Trailer": true, "Upgrade": true}

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
