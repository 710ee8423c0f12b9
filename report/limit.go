package report

import (
	"fmt"
	"io"
)

// capped reads at most n bytes of r; reading more is an error wrapping
// ErrTooLarge.
type capped struct {
	r    io.Reader
	n    int64
	what string // what is read, for the error: "a JSON report"
	max  int64
}

func (c *capped) Read(p []byte) (int, error) {
	if c.max == 0 {
		c.max = c.n
	}
	if c.n <= 0 {
		var one [1]byte
		if k, err := c.r.Read(one[:]); k == 0 {
			return 0, err
		}
		return 0, fmt.Errorf("%w: blockprobe reads at most %s of %s", ErrTooLarge, sizeText(c.max), c.what)
	}
	if int64(len(p)) > c.n {
		p = p[:c.n]
	}
	k, err := c.r.Read(p)
	c.n -= int64(k)
	return k, err
}

// squeezer passes JSON through with each run of blanks outside strings cut
// to one: json.Decoder scans a run of blanks again each time it reads more
// of it, so that a long one (a hostile "{" and gigabytes of spaces) would
// take hours.
type squeezer struct {
	r                        io.Reader
	inString, escaped, blank bool
}

func (s *squeezer) Read(p []byte) (int, error) {
	for {
		n, err := s.r.Read(p)
		k := 0
		for _, c := range p[:n] {
			isBlank := !s.inString && (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			switch {
			case isBlank && s.blank:
				continue
			case s.escaped:
				s.escaped = false
			case s.inString && c == '\\':
				s.escaped = true
			case c == '"':
				s.inString = !s.inString
			}
			s.blank = isBlank
			p[k] = c
			k++
		}
		if k > 0 || err != nil {
			return k, err
		}
	}
}

// sizeText renders a size in bytes for people: "256 MiB".
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}
