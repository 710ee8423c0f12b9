// Package tick runs a step on a clock, the one loop behind the progress
// bar's clock, the loop agent's polls and the target's wait for quiet.
package tick

import "time"

// While calls step every interval for as long as it returns true. It
// returns true once step returns false, and false as soon as stop is
// closed, without calling step again. The first call is one interval in.
func While(stop <-chan struct{}, interval time.Duration, step func() bool) bool {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return false
		case <-t.C:
			if !step() {
				return true
			}
		}
	}
}
