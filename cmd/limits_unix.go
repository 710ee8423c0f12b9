//go:build unix

package cmd

import "syscall"

// raiseFileLimit raises the soft limit on open files towards need, up to
// the hard limit, and returns the soft limit in force.
func raiseFileLimit(need int) (int, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, err
	}
	if lim.Cur < uint64(need) && lim.Cur < lim.Max {
		want := lim
		want.Cur = min(uint64(need), lim.Max)
		if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want) == nil {
			lim = want
		}
	}
	return int(min(lim.Cur, 1<<31-1)), nil
}
