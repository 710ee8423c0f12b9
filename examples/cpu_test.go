package examples

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// clockTick is Linux's USER_HZ, the unit of CPU times in /proc/PID/stat:
// 100 on every architecture Go supports there.
const clockTick = 10 * time.Millisecond

// procCPU returns the CPU time that process pid and its children (a
// ProcessPoolExecutor's workers) have used, from /proc, and false where
// /proc cannot tell.
func procCPU(pid int) (time.Duration, bool) {
	stats, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil || len(stats) == 0 {
		return 0, false
	}
	var ticks int64
	found := false
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			continue // it exited meanwhile
		}
		// The command name in parentheses may hold spaces: fields count
		// from the last ')'. After it: state, ppid, ... utime is the 12th,
		// stime the 13th.
		i := strings.LastIndexByte(string(b), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) < 13 {
			continue
		}
		self := filepath.Base(filepath.Dir(path)) == strconv.Itoa(pid)
		if !self && f[1] != strconv.Itoa(pid) {
			continue
		}
		found = found || self
		for _, s := range f[11:13] {
			n, _ := strconv.ParseInt(s, 10, 64)
			ticks += n
		}
	}
	return time.Duration(ticks) * clockTick, found
}

// computing returns a check that process pid (with its children) has
// computed for at least cpu since the call: a test waits for it before it
// measures what the computation does to MainHandler, so that a busy host
// that is slow to start the work does not yield figures of an idle server.
func computing(t *testing.T, pid int, cpu time.Duration) func() bool {
	t.Helper()
	before, ok := procCPU(pid)
	if !ok {
		t.Skip("needs /proc to see when the server starts computing")
	}
	return func() bool {
		now, ok := procCPU(pid)
		return ok && now-before >= cpu
	}
}

// await polls begun until it holds, failing the test after limit.
func await(t *testing.T, what string, limit time.Duration, begun func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !begun() {
		if time.Now().After(deadline) {
			t.Fatalf("%s had not begun after %v", what, limit)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
