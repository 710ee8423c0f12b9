#!/usr/bin/env bash
# The GIL model beside real CPython (issue 14): each scenario runs on the
# embedded target (--mode pooled --work cpu --gil), on the same with
# GOMAXPROCS=1, and on examples/tornado/server.py --mode pooled --work cpu,
# RUNS times each (default 3), and bench/FIDELITY-GIL.md gets the medians of
# MainHandler's p50 and p99 under load and ComplexHandler's p50, with the
# ratios model/CPython. Needs Tornado for /usr/bin/python3 and taskset.
#
#   bash bench/fidelity-gil.sh                 # every scenario, ~15 minutes
#   RUNS=1 ONLY='1 thread' bash bench/fidelity-gil.sh   # scenarios matching ONLY
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
OUT=${OUT:-bench/FIDELITY-GIL.md}
# shellcheck source=bench/gil-lib.sh
source bench/gil-lib.sh

# name | pinned (1: taskset -c 0) | executor | switch interval | pool | concurrency | delay (s) | duration
scenarios=(
  "1 thread|0|thread|5ms|5|1|2|2s"
  "2 threads|0|thread|5ms|5|2|2|2s"
  "5 threads|0|thread|5ms|5|5|2|2s"
  "1 thread, 1 ms interval|0|thread|1ms|5|1|2|2s"
  "1 thread, 20 ms interval|0|thread|20ms|5|1|2|2s"
  "5 threads, 20 ms interval|0|thread|20ms|5|5|2|2s"
  "lab: 20 x 0.5 s, pool 5|0|thread|5ms|5|20|0.5|2s"
  "1 process|0|process|5ms|5|1|2|2s"
  "5 processes|0|process|5ms|5|5|2|2s"
  "pinned, 1 thread|1|thread|5ms|5|1|2|2s"
  "pinned, 5 threads|1|thread|5ms|5|5|2|2s"
  "pinned, 5 processes|1|process|5ms|5|5|2|2s"
)

# figures < report.json: MainHandler loaded p50 and p99, ComplexHandler p50 (ms)
figures() {
  python3 -c '
import json, sys
d = json.load(sys.stdin)["endpoints"]
m, c = d["main"]["loaded"], d["complex"]["loaded"]
print(m["p50_ms"], m["p99_ms"], c["p50_ms"])'
}

run_one() {  # run_one SIDE PIN EXEC SI POOL N DELAY DURATION -> "p50 p99 complex"
  local side=$1 pin=$2 ex=$3 si=$4 pool=$5 n=$6 delay=$7 dur=$8 pre=()
  [ "$pin" = 1 ] && pre=(taskset -c 0)
  local probe=(--concurrency "$n" --duration "$dur" --format json --no-progress)
  case $side in
  model | model1)
    local env=()
    [ "$side" = model1 ] && env=(GOMAXPROCS=1)
    env "${env[@]}" "${pre[@]}" "$BP" run --mode pooled --work cpu --gil --executor "$ex" --switch-interval "$si" \
      --pool "$pool" --complex-delay "${delay}s" "${probe[@]}" 2>/dev/null | figures
    ;;
  cpython)
    tornado_start "$pin" --mode pooled --work cpu --executor "$ex" --switch-interval "$si" \
      --pool "$pool" --delay "$delay"
    "${pre[@]}" "$BP" run --target "http://127.0.0.1:$port" "${probe[@]}" 2>/dev/null | figures || echo "nan nan nan"
    tornado_stop
    ;;
  esac
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$tmp/rows"
for s in "${scenarios[@]}"; do
  IFS='|' read -r name pin ex si pool n delay dur <<<"$s"
  [ -n "${ONLY:-}" ] && [[ $name != *"$ONLY"* ]] && continue
  for r in $(seq "$RUNS"); do
    # Interleaved, so that a busy moment of the host falls on all three sides.
    for side in model model1 cpython; do
      echo "$name|$side|$(run_one "$side" "$pin" "$ex" "$si" "$pool" "$n" "$delay" "$dur")" >>"$tmp/rows"
    done
    echo "fidelity-gil: $name, run $r of $RUNS" >&2
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
# Sections that later measurements added below the script's own notes
# (a recalibration tried, the check's spread) stay when the table is new.
: >"$tmp/kept"
if [ -f "$OUT" ]; then awk '/^## / && !/^## The mechanism/ {keep=1} keep' "$OUT" >"$tmp/kept"; fi

python3 - "$tmp/rows" "$RUNS" "$(nproc)" "$load_before" "$load_after" "$($PY -c 'import sys, tornado; print(sys.version.split()[0], tornado.version)')" >"$OUT" <<'PY'
import math, statistics, sys
rows, runs, cores, before, after, versions = sys.argv[1:]
figs = {}
order = []
for line in open(rows):
    name, side, vals = line.rstrip("\n").split("|")
    if name not in order:
        order.append(name)
    figs.setdefault((name, side), []).append([float(v) for v in vals.split()])
def med(name, side, i):
    v = [f[i] for f in figs.get((name, side), []) if not math.isnan(f[i])]
    return statistics.median(v) if v else math.nan
def ms(v):
    return "–" if math.isnan(v) else (f"{v/1000:.2f} s" if v >= 1000 else f"{v:.1f}")
def ratio(a, b):
    if math.isnan(a) or math.isnan(b) or b <= 0:
        return "–"
    r = a / b
    mark = "" if 1/1.5 <= r <= 1.5 else " ✗"
    return f"{r:.2f}{mark}"
cpy, py = versions.split()
print(f"""# The GIL model beside real CPython

Written by `bench/fidelity-gil.sh`: each row is one scenario, run {runs} times on the embedded target
(`--mode pooled --work cpu --gil`), on the same with `GOMAXPROCS=1`, and on real Tornado {py} on
CPython {cpy} (`examples/tornado/server.py --mode pooled --work cpu`), the three interleaved; the
figures are medians, in ms. MainHandler is probed at 20/s for 2 s while ComplexHandler requests keep
`--concurrency` pool workers computing for the delay (2 s of CPU each unless said). "pinned" runs the
server and blockprobe under `taskset -c 0`. Ratios are model / CPython; ✗ marks one outside 1.5×.
Host: {cores} cores; load average {before} before, {after} after.

| scenario | Main p50 model | Main p50 CPython | ratio | Main p99 model | Main p99 CPython | ratio | Complex p50 model | Complex p50 CPython | ratio | Main p50, GOMAXPROCS=1 / all |
|---|---|---|---|---|---|---|---|---|---|---|""")
for n in order:
    m = [med(n, "model", i) for i in range(3)]
    g = [med(n, "model1", i) for i in range(3)]
    c = [med(n, "cpython", i) for i in range(3)]
    print(f"| {n} | {ms(m[0])} | {ms(c[0])} | {ratio(m[0], c[0])} | {ms(m[1])} | {ms(c[1])} | {ratio(m[1], c[1])} "
          f"| {ms(m[2])} | {ms(c[2])} | {ratio(m[2], c[2])} | {ratio(g[0], m[0])} |")
PY
# The reading of the table, kept with the script so that a new run keeps it.
cat >>"$OUT" <<'NOTES'

## The mechanism, and where the model parts from CPython

The model (`target/gil.go`) follows `Python/ceval_gil.c` (3.11): a thread that wants the lock waits
one switch interval at a time, and asks the holder to drop it (`gil_drop_request`) after an interval
in which the lock did not change hands; a computing holder drops it at once and, as
`FORCE_SWITCHING` makes it, waits until another thread has taken it; the lock goes to one waiter at
random (whichever the OS wakes). A thread that releases the lock of its own accord (the loop around a
short I/O call, or going back to its poller) wakes one waiter, which claims the lock ~50 µs later
unless the releaser has re-taken it; a quarter of such short releases are lost to the woken waiter
anyway, the rate that matches the 1-thread rows. So a request costs about one switch interval beside
one computing thread (not four, as the model did before), and with N computing threads the loop
must win the lock from N−1 others each time: the convoy. Computation is virtual CPU time kept with
timers, so `GOMAXPROCS=1` changes nothing but noise (last column); a process pool shares no lock
and splits `runtime.NumCPU()` cores among its computations.

Where the ratios miss 1.5×, and why:

- **Process pools, MainHandler**: the model answers in ~0.5 ms, CPython in 1.5–10 ms. CPython's loop
  shares the cores with the five worker processes *and* with blockprobe itself (the model's workers
  burn no real CPU, so neither the loop nor the load generator waits for a core). Sub-millisecond
  figures on both sides; the verdict (not starved) and ComplexHandler's times (cores shared, ≈
  D·max(1, N/cores)) agree.
- **Five threads, and the 20 ms interval with five**: near the point where the loop falls behind its
  20 probes/s, CPython swings between runs (on this host: 30 ms to 1.2 s at 5 ms, depending on the
  load of the other jobs on the machine); the median of 3 lands within 1.5× on a quiet host and not on
  a busy one. The model does not copy the host's load.
- **Pinned to one core, five threads**: on one core CPython's loop also waits for the CPU (the OS
  scheduler, not only the lock); the model ignores the loop's need for a core, so it is 2–3× low.
- **The 1 ms interval**: a millisecond is near the noise floor of both sides (CPython's own
  per-request cost is ~0.3 ms, and the host's scheduling delay is of that order).
- The embedded loop's 10 ms heartbeat (its lag figure) also takes the lock, which real Tornado does
  not do; at a 20 ms interval a probe then often finds the loop already waiting.
- The rate of lost short releases is calibrated on main's loop, whose request callback releases the
  lock three times (`requestGILHops`). A loop that takes the lock once per iteration (the faithful
  loop of issue 19) must be measured again with this script after the merge.
NOTES
[ -s "$tmp/kept" ] && { echo; cat "$tmp/kept"; } >>"$OUT"
echo "fidelity-gil: wrote $OUT" >&2
