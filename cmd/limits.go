package cmd

import "math"

// reservedFiles are the descriptors a run needs besides its connections:
// standard streams, output files, the poller, the embedded target's listener.
const reservedFiles = 64

// connectionsNeeded is how many sockets a run may hold open at once: one
// per load worker (or, for open-loop load, one per request in flight until
// its timeout) and, at worst, one per probe in flight, where a probe stays
// in flight until its timeout (a stalled target holds them all).
// The embedded target runs in the same process and holds the other end of
// every connection.
func connectionsNeeded(sc *scenarioFlags, embedded bool) int {
	probes := float64(sc.probeConns)
	if probes == 0 {
		probes = math.Ceil(sc.rate*min(sc.timeout, sc.duration).Seconds()) + 1
	}
	load := float64(sc.workers())
	if r := sc.openRate(); r > 0 {
		load = math.Ceil(r*min(sc.timeout, sc.duration).Seconds()) + 1
	}
	n := load + min(probes, float64(sc.maxRequests))
	if embedded {
		n *= 2
	}
	return int(min(n, math.MaxInt32))
}

// checkFileLimit makes sure the process may open the files a run needs,
// raising its soft limit up to the hard one where that is short, and
// refuses the run (exit 2) when even the hard limit is too low: running
// out of descriptors mid-run would fail requests the target never saw.
func checkFileLimit(sc *scenarioFlags, embedded bool) error {
	need := connectionsNeeded(sc, embedded) + reservedFiles
	have, err := raiseFileLimit(need)
	if err != nil || have >= need {
		return nil // no limit to know of (or none this system reports)
	}
	worst := "one per load worker or load request in flight and, at worst, one per probe in flight until its --timeout"
	if embedded {
		worst += ", twice over as the embedded target holds the other end"
	}
	return usageErrorf("this run may need %d open files (%s), but this process may open %d (ulimit -n): lower --rate, --concurrency, --load-rate or --timeout, cap probes in flight with --probe-conns, or raise the limit",
		need, worst, have)
}
