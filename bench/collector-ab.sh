#!/usr/bin/env bash
# The probe hot path before and after records went to one collector
# goroutine (commit d4af705): the two builds run side by side, interleaved,
# against the plain net/http hello server, and the medians are printed.
#
#   bash bench/collector-ab.sh            # 5 rounds of 3 s windows
#   ROUNDS=9 DUR=5s bash bench/collector-ab.sh
#
# What it measures, for each build:
#   closed loop: requests/s of 50 workers sending back to back (--concurrency 50),
#                without and with --results;
#   rate 10k:    MainHandler probes sent at 10,000/s and the generator's send lag p99;
#   rate 10k + --results: the same with every record written to a file, the case
#                where the old path wrote and flushed a line under the shared lock.
# The server runs on core 0 and the generators on core 1 (taskset), as in bench/run.sh.
set -uo pipefail
cd "$(dirname "$0")/.."
BEFORE=${BEFORE:-d4af705^}
AFTER=${AFTER:-HEAD}
ROUNDS=${ROUNDS:-5}
DUR=${DUR:-3s}
OUT=bench/out/collector-ab
mkdir -p "$OUT"
S="taskset -c ${SERVER_CORE:-0}"
C="taskset -c ${CLIENT_CORE:-1}"

build() { # build REV DEST
  local dir
  dir=$(mktemp -d)
  git worktree add -q --detach "$dir" "$1" && (cd "$dir" && go build -o "$2" .)
  local rc=$?
  git worktree remove --force "$dir"
  return $rc
}
echo "building $BEFORE and $AFTER..." >&2
build "$BEFORE" "$PWD/$OUT/bp-before" && build "$AFTER" "$PWD/$OUT/bp-after" || exit 1
go build -o "$OUT/hello" ./bench/hello || exit 1

$S "$OUT/hello" -addr 127.0.0.1:18091 -sleep 1h >/dev/null 2>&1 &
HELLO_PID=$!
trap 'kill $HELLO_PID 2>/dev/null' EXIT
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/18091) 2>/dev/null && break; sleep 0.05; done
T=http://127.0.0.1:18091

get() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$1" "$2"; }
: >"$OUT/samples.tsv"
for round in $(seq "$ROUNDS"); do
  for build in before after; do
    bp=$OUT/bp-$build
    for results in no yes; do
      f=$OUT/$build-closed-$results.json
      extra=()
      [ $results = yes ] && extra=(--results "$OUT/$build.ndjson")
      $C "$bp" run --target "$T" --complex-path / --concurrency 50 --rate 1 --duration "$DUR" --max-records 1 \
        "${extra[@]}" --format json -o "$f" >/dev/null 2>&1
      printf '%s\tclosed_results_%s_requests_per_s\t%s\n' "$build" "$results" "$(get "$f" "d['endpoints']['complex']['loaded']['count'] / (d['load_window']['end_ms'] - d['load_window']['start_ms']) * 1000")" >>"$OUT/samples.tsv"
    done
    for results in no yes; do
      f=$OUT/$build-rate-$results.json
      extra=()
      [ $results = yes ] && extra=(--results "$OUT/$build.ndjson")
      $C "$bp" run --target "$T" --complex-path /complex --rate 10000 --duration "$DUR" --timeout 1s --max-records 1 \
        "${extra[@]}" --format json -o "$f" >/dev/null 2>&1
      printf '%s\trate10k_results_%s_sent_per_s\t%s\n' "$build" "$results" "$(get "$f" "d['endpoints']['main']['loaded']['count'] / (d['load_window']['end_ms'] - d['load_window']['start_ms']) * 1000")" >>"$OUT/samples.tsv"
      printf '%s\trate10k_results_%s_lag_p99_ms\t%s\n' "$build" "$results" "$(get "$f" "d['generator_lag_p99_ms']")" >>"$OUT/samples.tsv"
    done
  done
  echo "round $round of $ROUNDS done" >&2
done
rm -f "$OUT"/*.ndjson

python3 - "$OUT/samples.tsv" "$BEFORE" "$AFTER" "$ROUNDS" "$DUR" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
names = []
for _, n, _ in rows:
    if n not in names:
        names.append(n)
print(f"| figure (median of {sys.argv[4]} rounds of {sys.argv[5]}) | before ({sys.argv[2]}) | after ({sys.argv[3]}) | after/before |")
print("|---|---:|---:|---:|")
for n in names:
    med = {}
    for b in ("before", "after"):
        vals = [float(v) for bb, nn, v in rows if bb == b and nn == n and v not in ("", "None")]
        med[b] = statistics.median(vals) if vals else float("nan")
    ratio = med["after"] / med["before"] if med["before"] else float("nan")
    print(f"| {n} | {med['before']:.2f} | {med['after']:.2f} | {ratio:.2f} |")
PY
