package target

import (
	"fmt"
	"slices"
	"strings"
)

// choose returns the member of all that s names, or an error that names
// what is chosen and lists the members: unknown mode "x" (want blocking,
// async or pooled).
func choose[T ~string](what, s string, all ...T) (T, error) {
	if i := slices.Index(all, T(s)); i >= 0 {
		return all[i], nil
	}
	names := make([]string, len(all))
	for i, m := range all {
		names[i] = string(m)
	}
	want := names[len(names)-1]
	if len(names) > 1 {
		want = strings.Join(names[:len(names)-1], ", ") + " or " + want
	}
	return "", fmt.Errorf("unknown %s %q (want %s)", what, s, want)
}
