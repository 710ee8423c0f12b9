#!/usr/bin/env bash
# The scenario of the README's sweep (blocking mode, 1 s of back-to-back ComplexHandler load, MainHandler
# probed at 50/s) at several blocking delays, side by side: real Tornado (examples/tornado/server.py)
# and the embedded target's three loops. It answers one question: where does MainHandler's p99 cross
# the 50 ms threshold on a real Tornado, and which loop puts it there too? Median of RUNS runs,
# interleaved. Writes bench/out/fidelity-sweep.md.
#   bash bench/fidelity-sweep.sh                  # D = 10, 20, 30, 50, 100 ms, 3 runs each (~2 min)
#   RUNS=5 DELAYS="0.03 0.1" bash bench/fidelity-sweep.sh
set -uo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
DELAYS=${DELAYS:-"0.01 0.02 0.03 0.05 0.1"}
PY=/usr/bin/python3
OUT=bench/out
mkdir -p "$OUT"
go build -o "$OUT/blockprobe" . || exit 1
BP=$OUT/blockprobe
SP=
trap '[ -n "$SP" ] && kill "$SP" 2>/dev/null' EXIT
$PY -c 'import tornado' 2>/dev/null || { echo "needs python3-tornado for $PY" >&2; exit 1; }

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
waitport() { for _ in $(seq 150); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }
# figures ARGS... -> "p50 p99" of MainHandler under load, in ms
figures() {
  "$BP" run "$@" --duration 1s --rate 50 --format json --no-progress 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)["endpoints"]["main"]["loaded"]
print(d["p50_ms"], d["p99_ms"])' 2>/dev/null || echo "nan nan"
}
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

{
  echo "| D | real Tornado p50 / p99 | \`--loop tornado\` | \`--loop node\` | \`--loop go\` |"
  echo "|---:|---:|---:|---:|---:|"
  for D in $DELAYS; do
    declare -A p50=() p99=()
    for i in $(seq "$RUNS"); do
      port=$(freeport)
      $PY examples/tornado/server.py --mode blocking --delay "$D" --port "$port" >/dev/null 2>&1 & SP=$!
      waitport "$port" || { echo "the Tornado example did not start" >&2; exit 1; }
      read -r a b < <(figures --target "http://127.0.0.1:$port")
      kill "$SP"; wait "$SP" 2>/dev/null; SP=
      p50[real]+="$a "; p99[real]+="$b "
      for loop in tornado node go; do
        read -r a b < <(figures --mode blocking --loop "$loop" --complex-delay "${D}s")
        p50[$loop]+="$a "; p99[$loop]+="$b "
      done
    done
    row="| $(python3 -c "print(f'{$D*1000:g} ms')")"
    for k in real tornado node go; do
      # shellcheck disable=SC2086
      row+=" | $(printf '%.0f / %.0f' "$(med ${p50[$k]})" "$(med ${p99[$k]})")"
    done
    echo "$row |"
    unset p50 p99
  done
  echo
  echo "Median of $RUNS runs, ms; $(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg)."
} | tee "$OUT/fidelity-sweep.md"
