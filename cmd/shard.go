package cmd

import (
	"os"
	"strconv"
	"time"

	"github.com/spf13/pflag"

	"github.com/blockprobe/blockprobe/probe"
)

// The environment a Kubernetes Indexed Job gives each of its pods, and the
// variable that tells every pod how many shards there are, so that the
// pods of one Job run with the same arguments.
const (
	envJobIndex = "JOB_COMPLETION_INDEX"
	envShards   = "BLOCKPROBE_SHARDS"
)

// shardFlags make run one shard of a run spread over several generators
// (probe.Shard): --shard I/N, or --shards N (or BLOCKPROBE_SHARDS) with I
// from JOB_COMPLETION_INDEX; and --start-at.
type shardFlags struct {
	shard   string
	shards  int
	startAt string
	// lookupEnv reads the environment; tests replace it.
	lookupEnv func(string) (string, bool)
}

func (f *shardFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.shard, "shard", "", "run shard I of N of one run against --target: 1/N of the load and of the probes (baseline on shard 0); blockprobe merge joins the shards' reports")
	fs.IntVar(&f.shards, "shards", 0, "the number of shards, the shard's index coming from "+envJobIndex+" (a Kubernetes Indexed Job); default $"+envShards)
	fs.StringVar(&f.startAt, "start-at", "", "begin the load window at this instant, RFC 3339 (2026-05-01T12:00:00Z), the same for every shard")
	f.lookupEnv = os.LookupEnv
}

// resolve sets sc's shard and start from the flags and the environment;
// external says whether a --target was given.
func (f *shardFlags) resolve(fs *pflag.FlagSet, sc *scenarioFlags, external bool) error {
	shard, err := f.parseShard(fs)
	if err != nil {
		return err
	}
	if f.startAt != "" {
		if sc.startAt, err = time.Parse(time.RFC3339Nano, f.startAt); err != nil {
			return usageErrorf("--start-at %q: want an RFC 3339 time such as 2026-05-01T12:00:00Z", f.startAt)
		}
	}
	switch {
	case shard.Sharded() && !external:
		return usageErrorf("--shard %s: shards load one shared target, give it with --target URL (each embedded target would be another)", shard)
	case (shard.Sharded() || f.startAt != "") && sc.repeat > 1:
		return usageErrorf("--repeat goes without --shard and --start-at: a shard's run is one window at one instant")
	}
	sc.shard = shard
	return nil
}

// parseShard reads the shard from --shard, or --shards and the Job's index.
func (f *shardFlags) parseShard(fs *pflag.FlagSet) (probe.Shard, error) {
	count, from := f.shards, "--shards"
	if fs.Changed("shards") && (count < 1 || count > probe.MaxShards) {
		// --shards 0 is no "unsharded": in an Indexed Job every pod would
		// then send the whole run.
		return probe.Shard{}, usageErrorf("--shards %d: want the number of shards, from 1 to %d", count, probe.MaxShards)
	}
	if !fs.Changed("shards") {
		if v, ok := f.lookupEnv(envShards); ok && v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > probe.MaxShards {
				return probe.Shard{}, usageErrorf("%s=%q: want the number of shards, from 1 to %d", envShards, v, probe.MaxShards)
			}
			count, from = n, envShards
		}
	}
	if f.shard != "" {
		s, err := probe.ParseShard(f.shard)
		if err != nil {
			return probe.Shard{}, usageErrorf("--shard %v", err)
		}
		if count != 0 && count != s.Count {
			return probe.Shard{}, usageErrorf("--shard %s and %s %d disagree on the number of shards", f.shard, from, count)
		}
		return s, nil
	}
	v, ok := f.lookupEnv(envJobIndex)
	if count == 0 {
		if i, err := strconv.Atoi(v); ok && err == nil && i > 0 {
			// Pod 2 of an Indexed Job told nothing of shards: each pod
			// would send the whole run, and their merge N times the load.
			return probe.Shard{}, usageErrorf("%s=%s without --shards N or %s: every pod of the Job would send the whole run; give the number of shards",
				envJobIndex, v, envShards)
		}
		return probe.Shard{}, nil
	}
	if !ok || v == "" {
		return probe.Shard{}, usageErrorf("%s %d: give the shard with --shard I/%d, or set %s (as a Kubernetes Indexed Job does)", from, count, count, envJobIndex)
	}
	s, err := probe.ParseShard(v + "/" + strconv.Itoa(count))
	if err != nil {
		return probe.Shard{}, usageErrorf("%s=%q with %s %d: %v", envJobIndex, v, from, count, err)
	}
	return s, nil
}
