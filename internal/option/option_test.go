package option

import (
	"errors"
	"math"
	"testing"
	"time"
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

func TestRules(t *testing.T) {
	kind := errors.New("invalid")
	nan := math.NaN()
	cases := []struct {
		name  string
		rules []Rule
		want  string // "" for no error
	}{
		{"all hold", []Rule{AtLeast("pool", 1, 1), PositiveOrDefault("timeout", time.Second)}, ""},
		{"zero stands for the default", []Rule{PositiveOrDefault("timeout", time.Duration(0))}, ""},
		{"a duration below its bound", []Rule{AtLeast("grace", -time.Second, 0)}, "grace must be >= 0, got -1s"},
		{"a negative default", []Rule{PositiveOrDefault("max-body", int64(-1))}, "max-body must be > 0, got -1"},
		{"the first broken one", []Rule{AtLeast("a", 0, 0), AtLeast("b", 0, 1), AtLeast("c", -1, 0)}, "b must be >= 1, got 0"},
		{"NaN holds no bound", []Rule{AtLeast("rate", nan, 0)}, "rate must be >= 0, got NaN"},
		{"words of its own", []Rule{{Name: "method", OK: false, Want: "an HTTP method", Got: `"G T"`}}, `method must be an HTTP method, got "G T"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := First(kind, tc.rules...)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("First = %v, want nil", err)
			case tc.want != "" && (err == nil || err.Error() != tc.want || !errors.Is(err, kind)):
				t.Errorf("First = %v, want %q of its kind", err, tc.want)
			}
		})
	}
}
