#!/usr/bin/env bash
# The embedded target against the real servers it models, side by side on this machine: real Tornado
# (examples/tornado/server.py) beside `--loop tornado`, real Node (examples/node/server.js) beside
# `--loop node`, on the same scenarios, median of RUNS runs interleaved. Writes bench/out/fidelity.md.
#   bash bench/fidelity.sh                    # every scenario, on 2 cores and pinned to one core
#   RUNS=3 CORES=2 SCEN="w1 w2" bash bench/fidelity.sh
# Scenarios (D = 0.5 s, MainHandler probed at 20/s):
#   alone   one ComplexHandler request (a window of D)
#   wN      N workers send ComplexHandler back to back on keep-alive connections for 3 s
#   asyncN / pooledN   the same in async or pooled mode (pool 5)
# Pinned: the server and blockprobe both on core 0, GOMAXPROCS=1 (a 1-CPU container).
set -uo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
SCEN=${SCEN:-"alone w1 w2 w4 async4 pooled4"}
CORES=${CORES:-"2 1"}
LOOPS=${LOOPS:-"tornado node"}
D=0.5
PY=/usr/bin/python3
OUT=bench/out
mkdir -p "$OUT"
go build -o "$OUT/blockprobe" . || exit 1
BP=$OUT/blockprobe
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
waitport() { for _ in $(seq 150); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

# scenario NAME -> "MODE DURATION CONCURRENCY"
scenario() {
  case $1 in
    alone) echo "blocking ${D}s 1" ;;
    w*) echo "blocking 3s ${1#w}" ;;
    async*) echo "async 3s ${1#async}" ;;
    pooled*) echo "pooled 3s ${1#pooled}" ;;
  esac
}

# measure CORES SIDE LOOP SCENARIO -> "p50 p99" of MainHandler under load, in ms
measure() {
  local cores=$1 side=$2 loop=$3 mode dur conc pin="" port sp
  read -r mode dur conc <<<"$(scenario "$4")"
  [ "$cores" = 1 ] && pin="taskset -c 0"
  local run=("$BP" run --duration "$dur" --concurrency "$conc" --format json --no-progress)
  if [ "$side" = model ]; then
    GOMAXPROCS=$cores $pin "${run[@]}" --mode "$mode" --loop "$loop" --complex-delay "${D}s" >"$OUT/fid.json" 2>/dev/null
  else
    port=$(freeport)
    case $loop in
      tornado) $pin $PY examples/tornado/server.py --mode "$mode" --delay $D --port "$port" >/dev/null 2>&1 & sp=$! ;;
      node) $pin node examples/node/server.js --mode "$mode" --delay $D --port "$port" >/dev/null 2>&1 & sp=$! ;;
    esac
    PIDS+=("$sp")
    waitport "$port" || { echo "0 0"; return; }
    GOMAXPROCS=$cores $pin "${run[@]}" --target "http://127.0.0.1:$port" >"$OUT/fid.json" 2>/dev/null
    kill "$sp"; wait "$sp" 2>/dev/null
  fi
  python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["endpoints"]["main"]["loaded"]; print(m["p50_ms"], m["p99_ms"])' \
    "$OUT/fid.json" 2>/dev/null || echo "0 0"
}

median() { python3 -c "import statistics,sys; print(statistics.median(map(float, sys.argv[1:])))" "$@"; }
fmt() { python3 -c "import sys; v=float(sys.argv[1]); print(f'{v:.1f}' if v < 10 else f'{v:.0f}')" "$1"; }
ratio() { python3 -c "import sys; a,b=map(float,sys.argv[1:]); print(f'{a/max(b,0.001):.2f}')" "$1" "$2"; }

# cpu_per_request LOOP GAP -> CPU µs the real server spends per keep-alive GET /, requests GAP s apart
# on a fresh server: the basis of the model's per-step cost (target/kind.go).
cpu_per_request() {
  local port sp
  port=$(freeport)
  case $1 in
    tornado) $PY examples/tornado/server.py --mode async --port "$port" >/dev/null 2>&1 & sp=$! ;;
    node) node examples/node/server.js --mode async --port "$port" >/dev/null 2>&1 & sp=$! ;;
  esac
  PIDS+=("$sp")
  waitport "$port" || { echo 0; return; }
  $PY - "$port" "$sp" "$2" <<'PYEOF'
import http.client, os, sys, time
port, pid, gap, n = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), 200
def cpu():
    f = open(f"/proc/{pid}/stat").read().split()
    return (int(f[13]) + int(f[14])) / os.sysconf("SC_CLK_TCK")
c = http.client.HTTPConnection("127.0.0.1", port)
c.request("GET", "/"); c.getresponse().read()
time.sleep(0.3)
a = cpu()
for _ in range(n):
    c.request("GET", "/"); c.getresponse().read()
    time.sleep(gap)
print(f"{(cpu() - a) * 1e6 / n:.0f}")
PYEOF
  kill "$sp"; wait "$sp" 2>/dev/null
}

RES=$OUT/fidelity.md
{
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); D = ${D}s; median of $RUNS runs;"
  echo "$($PY -c 'import tornado,sys; print(f"Tornado {tornado.version}, CPython {sys.version.split()[0]}")'), Node $(node --version), $(go version | cut -d' ' -f3)."
  echo
  echo "| cores | scenario | loop | real p50 / p99 (ms) | model p50 / p99 (ms) | model/real p50 | model/real p99 |"
  echo "|---|---|---|---:|---:|---:|---:|"
} >"$RES"
for cores in $CORES; do
  for sc in $SCEN; do
    for loop in $LOOPS; do
      declare -A V=()
      for i in $(seq "$RUNS"); do # interleaved: the machine's noise falls on both sides
        for side in real model; do
          read -r a b <<<"$(measure "$cores" "$side" "$loop" "$sc")"
          V[$side.50]+=" $a"; V[$side.99]+=" $b"
        done
      done
      r50=$(median ${V[real.50]}); r99=$(median ${V[real.99]}); m50=$(median ${V[model.50]}); m99=$(median ${V[model.99]})
      line="| $cores | $sc | $loop | $(fmt "$r50") / $(fmt "$r99") | $(fmt "$m50") / $(fmt "$m99") | $(ratio "$m50" "$r50") | $(ratio "$m99" "$r99") |"
      echo "$line" >>"$RES"
      echo "$line   (real p99:${V[real.99]}; model p99:${V[model.99]})" >&2
      unset V
    done
  done
done
{
  echo
  echo "CPU per keep-alive GET / of the real servers, fresh, 200 requests (median of 3), the basis of the model's"
  echo "cost per step (target/kind.go):"
  echo
  echo "| server | 20 ms apart (as in a probe scenario) | back to back |"
  echo "|---|---:|---:|"
  for loop in $LOOPS; do
    a=(); b=()
    for i in 1 2 3; do a+=("$(cpu_per_request "$loop" 0.02)"); b+=("$(cpu_per_request "$loop" 0)"); done
    echo "| $loop | $(printf %.0f "$(median "${a[@]}")") µs | $(printf %.0f "$(median "${b[@]}")") µs |"
  done
} >>"$RES"
cat "$RES"
