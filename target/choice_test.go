package target

import "testing"

func TestParseNamesTheChoices(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"mode", second(ParseMode("threaded")), `unknown mode "threaded" (want blocking, async or pooled)`},
		{"work", second(ParseWork("io")), `unknown work "io" (want sleep or cpu)`},
		{"loop", second(ParseLoopKind("uvloop")), `unknown loop "uvloop" (want tornado, node or go)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err == nil || tc.err.Error() != tc.want {
				t.Errorf("error %v, want %q", tc.err, tc.want)
			}
		})
	}
	if m, err := ParseMode("pooled"); m != Pooled || err != nil {
		t.Errorf("ParseMode(pooled) = %q, %v", m, err)
	}
}

func second[T any](_ T, err error) error { return err }
