#!/usr/bin/env bash
# How much the fidelity acceptance's figure varies from run to run, on the
# model, the model with GOMAXPROCS=1 and real CPython: its scenario (5 pool
# threads computing 2 s each, MainHandler probed at 20/s for 2 s) RUNS times
# on each side, interleaved. Prints, per side, the spread of single probes'
# latencies under load (quantiles and coefficient of variation), each run's
# added p50 (loaded p50 - baseline p50, the figure the check reads), and how
# often the check, which compares medians of 3 runs, would fail by sampling
# alone: drawn from these runs, 20,000 times. Needs Tornado for
# /usr/bin/python3.
#
#   bash bench/gil-spread.sh            # RUNS=12, about 6 minutes
#   RUNS=4 THREADS=1 bash bench/gil-spread.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-12}
THREADS=${THREADS:-5}
# shellcheck source=bench/gil-lib.sh
source bench/gil-lib.sh
model=(--mode pooled --pool 5 --work cpu --gil --complex-delay 2s)
common=(--concurrency "$THREADS" --duration 2s --no-progress --format json)

# one SIDE RUN: the run's report in $tmp/SIDE.RUN.json, its records in $tmp/SIDE.RUN.ndjson
one() {
  local side=$1 i=$2 out=$tmp/$1.$2
  case $side in
    model) "$BP" run "${model[@]}" "${common[@]}" --results "$out.ndjson" >"$out.json" 2>/dev/null || true ;;
    onep) GOMAXPROCS=1 "$BP" run "${model[@]}" "${common[@]}" --results "$out.ndjson" >"$out.json" 2>/dev/null || true ;;
    cpython)
      tornado_start 0 --mode pooled --work cpu --delay 2 --pool 5
      "$BP" run --target "http://127.0.0.1:$port" "${common[@]}" --results "$out.ndjson" >"$out.json" 2>/dev/null || true
      tornado_stop ;;
  esac
}
for i in $(seq "$RUNS"); do
  for side in model onep cpython; do one "$side" "$i"; done
  echo "run $i of $RUNS done" >&2
done

python3 - "$tmp" "$RUNS" "$THREADS" <<'PY'
import json, random, statistics as st, sys
tmp, runs, threads = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def q(v, p): return v[round(p * (len(v) - 1))]
added = {}
print(f"{threads} busy thread(s), {runs} runs a side; single probes under load, ms:")
print(f"{'side':8} {'probes':>6} {'p10':>6} {'p25':>6} {'p50':>6} {'p75':>6} {'p90':>6} {'cv':>5}   added p50 of each run")
for side in ("model", "onep", "cpython"):
    lat, add = [], []
    for i in range(1, runs + 1):
        try:
            d = json.load(open(f"{tmp}/{side}.{i}.json"))["endpoints"]["main"]
        except (OSError, ValueError, KeyError):
            continue
        add.append(max(d["loaded"]["p50_ms"] - d["baseline"]["p50_ms"], 0.01))
        for line in open(f"{tmp}/{side}.{i}.ndjson"):
            r = json.loads(line)
            if r.get("endpoint") == "main" and r.get("phase") == "loaded":
                lat.append(r["latency_ms"])
    lat.sort()
    added[side] = add
    if not lat:
        sys.exit(f"gil-spread: no {side} run gave a report")
    cv = st.pstdev(lat) / st.mean(lat) if lat else 0
    print(f"{side:8} {len(lat):6} " + " ".join(f"{q(lat, p):6.1f}" for p in (.1, .25, .5, .75, .9))
          + f" {cv:5.2f}   " + " ".join(f"{a:.1f}" for a in add))
# The acceptance check on medians of 3 runs drawn from these.
rng, fails, n = random.Random(1), {"model/CPython": 0, "one P/model": 0, "either": 0}, 20000
for _ in range(n):
    m, g, t = (st.median(rng.choices(added[s], k=3)) for s in ("model", "onep", "cpython"))
    a, b = not 0.5 <= m / t <= 2, not 1 / 1.5 <= g / m <= 1.5
    fails["model/CPython"] += a; fails["one P/model"] += b; fails["either"] += a or b
print("the check failing by sampling alone: " + ", ".join(f"{k} {100 * v / n:.1f}%" for k, v in fails.items()))
PY
