package cmd

import (
	"fmt"

	"github.com/dustin/go-humanize"
)

// byteSize is a flag value of a number of bytes, written as 65536, 64KiB,
// 10MiB or 1GB.
type byteSize int64

func (b *byteSize) String() string { return humanize.IBytes(uint64(max(*b, 0))) }
func (b *byteSize) Type() string   { return "size" }

func (b *byteSize) Set(s string) error {
	n, err := humanize.ParseBytes(s)
	if err != nil || n > 1<<50 {
		return fmt.Errorf("want a size such as 65536, 64KiB or 10MiB")
	}
	*b = byteSize(n)
	return nil
}
