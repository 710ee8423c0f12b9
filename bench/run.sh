#!/usr/bin/env bash
# blockprobe's performance, measured side by side in one run (issue: performance).
# Servers run pinned to core 0, load generators pinned to core 1, all on loopback.
#   bash bench/run.sh            # full run, writes bench/out/results.md
#   DUR=3s bash bench/run.sh     # shorter windows
# Peers that are not installed are skipped with a note: wrk, hey (Debian), vegeta and
# bombardier (go install github.com/tsenart/vegeta/v12@v12.13.0 github.com/codesenberg/bombardier@latest).
set -uo pipefail
cd "$(dirname "$0")/.."
DUR=${DUR:-5s}
ROUNDS=${ROUNDS:-3} # each comparison runs this many times, interleaved; tables give medians
SECS=${DUR%s}
OUT=bench/out
mkdir -p "$OUT"
export PATH="$PATH:$(go env GOPATH)/bin"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
SERVER_CORE=${SERVER_CORE:-0}
CLIENT_CORE=${CLIENT_CORE:-1}
S="taskset -c $SERVER_CORE"
C="taskset -c $CLIENT_CORE"
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT
have() { command -v "$1" >/dev/null; }
waitport() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; return 1; }
row() { printf '| %s |\n' "$(IFS='|'; echo "$*" | sed 's/|/ | /g')" >>"$RES"; }

echo "building..." >&2
go build -o "$OUT/blockprobe" . && go build -o "$OUT/hello" ./bench/hello || exit 1
BP=$OUT/blockprobe
RES=$OUT/results.md
: >"$RES"
{
  echo "# blockprobe benchmark results"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores ($(lscpu | sed -n 's/^Model name:\s*//p' | head -1)), $(free -g | awk '/Mem:/{print $2}') GiB;"
  echo "$(go version | cut -d' ' -f3), $(uname -sr); servers on core $SERVER_CORE, generators on core $CLIENT_CORE; windows of $DUR."
  echo
} >>"$RES"

start() { # start PORT CMD...: a server pinned to the server core
  local port=$1; shift
  $S "$@" >/dev/null 2>&1 &
  PIDS+=($!)
  waitport "$port" || { echo "server on $port did not start: $*" >&2; exit 1; }
}
start 18081 "$OUT/hello" -addr 127.0.0.1:18081 -sleep 1h
# The embedded target as a benchmark baseline (--loop go), and as a model of Tornado (the default),
# whose speed is meant to be real Tornado's: the table shows both beside the real server.
start 18082 "$BP" serve --mode async --loop go --addr 127.0.0.1:18082 --complex-delay 4s
start 18084 "$BP" serve --mode async --loop tornado --addr 127.0.0.1:18084
HELLO=http://127.0.0.1:18081

# json_get FILE EXPR: a figure from a blockprobe JSON report
json_get() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$1" "$2"; }

##### Goal 1: the load generator, closed loop, 50 connections, against net/http hello
echo "goal 1: load generators..." >&2
{
  echo "## 1. Load generator: requests/s against a plain net/http hello server, 50 connections, one core"
  echo
  echo "| generator | requests/s | p50 | p99 | ratio to wrk |"
  echo "|---|---:|---:|---:|---:|"
} >>"$RES"
declare -A RPS P50 P99
gen() { # gen NAME: runs and fills RPS/P50/P99 (ms)
  local f=$OUT/gen-$1.txt
  case $1 in
    wrk) $C wrk -t1 -c50 -d"$DUR" --latency "$HELLO/" >"$f" 2>&1
         read -r RPS[wrk] P50[wrk] P99[wrk] < <(python3 - "$f" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
def ms(v, u): return float(v) * {"us": 1e-3, "ms": 1, "s": 1e3}[u]
rps = re.search(r"Requests/sec:\s+([\d.]+)", t).group(1)
p = dict((int(a), ms(b, c)) for a, b, c in re.findall(r"\s(50|99)%\s+([\d.]+)(us|ms|s)", t))
print(rps, p[50], p[99])
PY
);;
    blockprobe) $C "$BP" run --target "$HELLO" --complex-path / --concurrency 50 --duration "$DUR" --rate 1 \
                   --max-records 1 --format json -o "$f" >/dev/null 2>&1
         RPS[blockprobe]=$(json_get "$f" "d['endpoints']['complex']['loaded']['count']/$SECS")
         P50[blockprobe]=$(json_get "$f" "d['endpoints']['complex']['loaded']['p50_ms']")
         P99[blockprobe]=$(json_get "$f" "d['endpoints']['complex']['loaded']['p99_ms']");;
    hey) $C hey -c 50 -z "$DUR" "$HELLO/" >"$f" 2>&1
         RPS[hey]=$(sed -n 's/.*Requests\/sec:\s*//p' "$f")
         P50[hey]=$(awk '/ 50% in/{print $3*1000}' "$f"); P99[hey]=$(awk '/ 99% in/{print $3*1000}' "$f");;
    bombardier) $C bombardier -c 50 -d "$DUR" -l -p r -o json "$HELLO/" >"$f" 2>/dev/null
         read -r RPS[bombardier] P50[bombardier] P99[bombardier] < <(python3 -c "
import json,sys; r=json.load(open(sys.argv[1]))['result']; p=r['latency']['percentiles']
print(r['rps']['mean'], p['50']/1000, p['99']/1000)" "$f");;
    vegeta) echo "GET $HELLO/" | $C vegeta attack -rate 0 -max-workers 50 -workers 50 -duration "$DUR" 2>/dev/null | vegeta report -type json >"$f"
         read -r RPS[vegeta] P50[vegeta] P99[vegeta] < <(python3 -c "
import json,sys; r=json.load(open(sys.argv[1])); l=r['latencies']
print(r['throughput'], l['50th']/1e6, l['99th']/1e6)" "$f");;
  esac
}
# median VALUES...: the median of the numbers given
median() { python3 -c "import statistics,sys; print(statistics.median(map(float, sys.argv[1:])))" "$@"; }
declare -A ALL_RPS ALL_P50 ALL_P99 ALL_RATIO
for round in $(seq "$ROUNDS"); do
  for g in wrk blockprobe hey bombardier vegeta; do
    [ "$g" = blockprobe ] || have "$g" || continue
    gen "$g"
    ALL_RPS[$g]+=" ${RPS[$g]}"; ALL_P50[$g]+=" ${P50[$g]}"; ALL_P99[$g]+=" ${P99[$g]}"
  done
  for g in blockprobe hey bombardier vegeta; do # ratios within the round: the machine's noise cancels
    [ -n "${RPS[$g]:-}" ] && [ -n "${RPS[wrk]:-}" ] && ALL_RATIO[$g]+=" $(python3 -c "print(${RPS[$g]}/${RPS[wrk]})")"
  done
done
for g in wrk blockprobe hey bombardier vegeta; do
  if [ -z "${ALL_RPS[$g]:-}" ]; then row "$g" "not installed" "" "" ""; continue; fi
  ratio=1.00
  [ "$g" != wrk ] && ratio=$(printf %.2f "$(median ${ALL_RATIO[$g]})")
  row "$g" "$(printf %.0f "$(median ${ALL_RPS[$g]})")" "$(printf %.2fms "$(median ${ALL_P50[$g]})")" \
      "$(printf %.2fms "$(median ${ALL_P99[$g]})")" "$ratio (rounds:$(for r in ${ALL_RATIO[$g]:-1}; do printf ' %.2f' "$r"; done))"
done

##### Goal 2: the embedded target's request path, under wrk
echo "goal 2: targets..." >&2
{
  echo
  echo "## 2. Target: GET / under \`wrk -t1 -c50\`, server on one core"
  echo
  echo "| server | requests/s | p50 | p99 | ratio to net/http |"
  echo "|---|---:|---:|---:|---:|"
} >>"$RES"
declare -A TRPS TP50 TP99
tgt() { # tgt NAME URL
  local f=$OUT/tgt-$1.txt
  $C wrk -t1 -c50 -d"$DUR" --latency "$2" >"$f" 2>&1
  read -r TRPS[$1] TP50[$1] TP99[$1] < <(python3 - "$f" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
def ms(v, u): return float(v) * {"us": 1e-3, "ms": 1, "s": 1e3}[u]
rps = re.search(r"Requests/sec:\s+([\d.]+)", t).group(1)
p = dict((int(a), ms(b, c)) for a, b, c in re.findall(r"\s(50|99)%\s+([\d.]+)(us|ms|s)", t))
print(rps, p[50], p[99])
PY
)
}
if have wrk; then
  targets=(nethttp embedded embedded-tornado)
  if /usr/bin/python3 -c 'import tornado' 2>/dev/null; then
    start 18083 /usr/bin/python3 examples/tornado/server.py --mode async --port 18083
    targets+=(tornado)
  fi
  declare -A TURL=([nethttp]="$HELLO/" [embedded]="http://127.0.0.1:18082/" [embedded-tornado]="http://127.0.0.1:18084/" [tornado]="http://127.0.0.1:18083/")
  declare -A T_RPS T_P50 T_P99 T_RATIO
  for round in $(seq "$ROUNDS"); do
    for t in "${targets[@]}"; do
      tgt "$t" "${TURL[$t]}"
      T_RPS[$t]+=" ${TRPS[$t]}"; T_P50[$t]+=" ${TP50[$t]}"; T_P99[$t]+=" ${TP99[$t]}"
      T_RATIO[$t]+=" $(python3 -c "print(${TRPS[$t]}/${TRPS[nethttp]})")"
    done
  done
  for t in "${targets[@]}"; do
    row "$t" "$(printf %.0f "$(median ${T_RPS[$t]})")" "$(printf %.2fms "$(median ${T_P50[$t]})")" \
        "$(printf %.2fms "$(median ${T_P99[$t]})")" "$(printf %.2f "$(median ${T_RATIO[$t]})") (rounds:$(for r in ${T_RATIO[$t]}; do printf ' %.2f' "$r"; done))"
  done
  [ -n "${T_RPS[tornado]:-}" ] && echo "
Embedded async (--loop go) / Tornado: $(python3 -c "print(f'{$(median ${T_RPS[embedded]})/$(median ${T_RPS[tornado]}):.1f}x')"); net/http / Tornado: $(python3 -c "print(f'{$(median ${T_RPS[nethttp]})/$(median ${T_RPS[tornado]}):.1f}x')"); embedded --loop tornado / Tornado: $(python3 -c "print(f'{$(median ${T_RPS[embedded-tornado]})/$(median ${T_RPS[tornado]}):.2f}x')")." >>"$RES"
else
  row "wrk not installed" "" "" "" ""
fi

##### Goal 3: scale
echo "goal 3: scale..." >&2
{
  echo
  echo "## 3. Scale"
  echo
} >>"$RES"
# a) 10,000 suspended async requests on the embedded target (--loop go: the model of Tornado would
# first take 1.5-3 s to accept and read them, as Tornado does; RESULTS.md section 5)
SRV=$(pgrep -f "serve --mode async --loop go --addr 127.0.0.1:18082" | head -1)
rss() { awk '/VmRSS/{print $2}' "/proc/$1/status"; }
idle=$(rss "$SRV")
# Probes start 2s in, once the 10,000 connections are open and their requests suspended.
$C "$BP" run --target http://127.0.0.1:18082 --concurrency 10000 --duration 3.5s --probe-delay 2s --rate 200 --timeout 20s \
  --format json -o "$OUT/scale-10k.json" >/dev/null 2>"$OUT/scale-10k.err" &
rp=$!
sleep 2.5; busy=$(rss "$SRV"); wait $rp
inflight=$(json_get "$OUT/scale-10k.json" "d['endpoints']['complex']['loaded']['count']")
mp99=$(json_get "$OUT/scale-10k.json" "d['endpoints']['main']['loaded']['p99_ms']")
echo "- 10,000 concurrent suspended \`/complex\` requests on \`serve --mode async --loop go\`: $inflight answered; MainHandler p99 under that load **$(printf %.2f "$mp99") ms** (goal < 5 ms); server RSS $((idle/1024)) MiB idle, $((busy/1024)) MiB with them suspended: **$(( (busy-idle)*1024/10000 )) bytes per suspended request** (goal below ~10 KB; this counts net/http's per-connection goroutine and buffers, not only the loop's timer)." >>"$RES"
# b) 10,000 probes/s open loop
$C "$BP" run --target "$HELLO" --complex-path /complex --rate 10000 --duration "$DUR" --timeout 1s --max-records 1 \
  --format json -o "$OUT/rate-10k.json" >/dev/null 2>&1
lag=$(json_get "$OUT/rate-10k.json" "d['generator_lag_p99_ms']")
sent=$(json_get "$OUT/rate-10k.json" "d['endpoints']['main']['loaded']['count']")
echo "- 10,000 probes/s open loop for $DUR: $sent probes sent, send lag p99 **$(printf %.3f "$lag") ms** behind schedule (goal < 1 ms)." >>"$RES"
# c) a million requests in bounded memory
/usr/bin/time -v $C "$BP" run --target "$HELLO" --complex-path / --concurrency 50 --duration 30s --rate 1 \
  --max-records 10000 --format json -o "$OUT/million.json" >/dev/null 2>"$OUT/million.time"
n=$(json_get "$OUT/million.json" "d['endpoints']['complex']['loaded']['count']")
maxrss=$(awk -F: '/Maximum resident/{gsub(/ /,"",$2); print $2}' "$OUT/million.time")
echo "- A 30 s closed-loop run: $n requests, maximum RSS **$((maxrss/1024)) MiB** with \`--max-records 10000\` (figures from HDR histograms; records beyond the cap are counted, not kept)." >>"$RES"

##### Goal 4: accuracy at a fixed rate, against vegeta
echo "goal 4: accuracy..." >&2
{
  echo
  echo "## 4. Accuracy: GET / at 1,000 requests/s for $DUR, blockprobe probes vs vegeta"
  echo
  echo "| tool | p50 | p99 |"
  echo "|---|---:|---:|"
} >>"$RES"
$C "$BP" run --target "$HELLO" --complex-path /complex --rate 1000 --duration "$DUR" --format json -o "$OUT/acc-bp.json" >/dev/null 2>&1
bp50=$(json_get "$OUT/acc-bp.json" "d['endpoints']['main']['loaded']['p50_ms']")
bp99=$(json_get "$OUT/acc-bp.json" "d['endpoints']['main']['loaded']['p99_ms']")
bpu50=$(json_get "$OUT/acc-bp.json" "d['endpoints']['main']['loaded_uncorrected']['p50_ms']")
bpu99=$(json_get "$OUT/acc-bp.json" "d['endpoints']['main']['loaded_uncorrected']['p99_ms']")
lag50=$(json_get "$OUT/acc-bp.json" "sorted(r['fired_ms']-r['scheduled_ms'] for r in d['requests'] if r['phase']=='loaded' and r['endpoint']=='main')[len([r for r in d['requests'] if r['phase']=='loaded' and r['endpoint']=='main'])//2]")
row "blockprobe, from the actual send (loaded -U)" "$(printf %.3fms "$bpu50")" "$(printf %.3fms "$bpu99")"
row "blockprobe, from the schedule (loaded)" "$(printf %.3fms "$bp50")" "$(printf %.3fms "$bp99")"
if have vegeta; then
  echo "GET $HELLO/" | $C vegeta attack -rate 1000 -duration "$DUR" 2>/dev/null | vegeta report -type json >"$OUT/acc-vegeta.json"
  read -r v50 v99 < <(python3 -c "import json,sys; l=json.load(open(sys.argv[1]))['latencies']; print(l['50th']/1e6, l['99th']/1e6)" "$OUT/acc-vegeta.json")
  row "vegeta (from its send)" "$(printf %.3fms "$v50")" "$(printf %.3fms "$v99")"
  echo "
Measured the same way (from the actual send), blockprobe/vegeta: p50 $(python3 -c "print(f'{$bpu50/$v50:.2f}')"), p99 $(python3 -c "print(f'{$bpu99/$v99:.2f}')").
The overhead blockprobe adds to its corrected figures is its own send lag: median $(python3 -c "print(f'{$lag50*1000:.0f}')") µs between a probe's schedule and its send (a timer tick: with one core the generator does not spin-wait at this rate), p99 $(json_get "$OUT/acc-bp.json" "d['generator_lag_p99_ms']") ms (generator_lag_p99_ms)." >>"$RES"
fi
cat "$RES"
