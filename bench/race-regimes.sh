#!/usr/bin/env bash
# Why the faithful-loop acceptance's p50 moves so much: one worker sends
# ComplexHandler requests back to back for 3 s (D = 0.5 s, blocking mode),
# MainHandler is probed at 20/s, RUNS times on the model and on real Tornado,
# interleaved. For each block of D, the probes that arrived during it either
# win the race after it (answered when it ends) or lose it (they also wait for
# the worker's next block); a run's p50 is about D/2 when its blocks win and
# about 1.4*D when they lose. Prints each run's blocks (W won, L lost, WL
# mixed), its p50, how often a block goes the way the one before it went,
# and how often the check (medians of 3 runs, p50 within 2x, p99 within
# 1.3x) would fail by sampling alone, drawn from these runs 20,000 times.
# Needs Tornado for /usr/bin/python3.
#
#   bash bench/race-regimes.sh          # RUNS=12, about 80 s
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-12}
# shellcheck source=bench/gil-lib.sh
source bench/gil-lib.sh
common=(--duration 3s --no-progress --format json)

for i in $(seq "$RUNS"); do
  "$BP" run --mode blocking --complex-delay 0.5s "${common[@]}" --results "$tmp/model.$i.ndjson" >"$tmp/model.$i.json" 2>/dev/null || true
  tornado_start 0 --mode blocking --delay 0.5
  "$BP" run --target "http://127.0.0.1:$port" "${common[@]}" --results "$tmp/tornado.$i.ndjson" >"$tmp/tornado.$i.json" 2>/dev/null || true
  tornado_stop
  echo "run $i of $RUNS done" >&2
done

python3 - "$tmp" "$RUNS" <<'PY'
import json, random, statistics as st, sys
tmp, runs = sys.argv[1], int(sys.argv[2])
fig = {}
print("side     run  blocks (probes in each)                p50 ms  p99 ms")
for side in ("model", "tornado"):
    fig[side], same, pairs = [], 0, 0
    for i in range(1, runs + 1):
        try:
            m = json.load(open(f"{tmp}/{side}.{i}.json"))["endpoints"]["main"]["loaded"]
            recs = [json.loads(l) for l in open(f"{tmp}/{side}.{i}.ndjson")][1:]
        except (OSError, ValueError, KeyError):
            print(f"{side:8} {i:3}  no report"); continue
        ends = sorted(r["end_ms"] for r in recs if r.get("endpoint") == "complex" and r.get("status") == 200)
        blocks = {}
        for r in recs:
            if r.get("endpoint") != "main" or r.get("phase") != "loaded":
                continue
            k = next((j for j, e in enumerate(ends) if e >= r["scheduled_ms"] - 1), None)
            if k is not None:  # answered within 50 ms of its block's end: it won
                blocks.setdefault(k, set()).add("W" if r["end_ms"] <= ends[k] + 50 else "L")
        # the last block wins by itself: the load has stopped
        seq = ["".join(sorted(blocks[k], reverse=True)) for k in sorted(blocks)][:-1]
        for a, b in zip(seq, seq[1:]):
            if len(a) == 1 and len(b) == 1:
                pairs += 1; same += a == b
        fig[side].append((m["p50_ms"], m["p99_ms"]))
        print(f"{side:8} {i:3}  {' '.join(seq):38} {m['p50_ms']:6.0f}  {m['p99_ms']:6.0f}")
    if not fig[side]:
        sys.exit(f"race-regimes: no {side} run gave a report")
    print(f"{side}: a block went the way the one before it went in {same} of {pairs} pairs")
rng, fails, n = random.Random(1), 0, 20000
for _ in range(n):
    e, t = ([st.median(v) for v in zip(*rng.choices(fig[s], k=3))] for s in ("model", "tornado"))
    fails += not (0.5 <= e[0] / t[0] <= 2 and 1 / 1.3 <= e[1] / t[1] <= 1.3)
print(f"the check failing by sampling alone: {100 * fails / n:.1f}%")
PY
