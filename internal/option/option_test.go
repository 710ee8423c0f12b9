package option

import (
	"errors"
	"testing"
)

func TestError(t *testing.T) {
	errRun, errTarget := errors.New("run"), errors.New("target")
	cases := []struct {
		name string
		err  error
		want string
		kind error
	}{
		{"a problem in words", Bad(errRun, "rate", "must be > 0, got %d", -1), "rate must be > 0, got -1", errRun},
		{"a problem with its own colon", Bad(errTarget, "mode", ": %v", errors.New(`unknown mode "x"`)), `mode: unknown mode "x"`, errTarget},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err.Error() != tc.want {
				t.Errorf("Error() = %q, want %q", tc.err.Error(), tc.want)
			}
			var e *Error
			if !errors.As(tc.err, &e) || e.Option() != tc.err.(*Error).Name || !errors.Is(tc.err, tc.kind) {
				t.Errorf("%v: not an *Error of its kind", tc.err)
			}
			if other := map[error]error{errRun: errTarget, errTarget: errRun}[tc.kind]; errors.Is(tc.err, other) {
				t.Errorf("%v is also %v", tc.err, other)
			}
		})
	}
}
