#!/usr/bin/env bash
# What the loop agents cost a server: GET / (MainHandler, hello world) of each
# example server under wrk, with and without its agent, side by side.
#
#   bash agents/bench-overhead.sh [seconds per run, default 10] [rounds, default 3]
#
# The two forms alternate within each round (plain, agent, plain, agent, ...)
# so that a noisy neighbour hurts both alike; the table shows medians over the
# rounds. The server is pinned to CPU 0 with its agent's threads, wrk to CPU
# 1: the agent competes with the server it watches, as it would in
# production. As root, the whole bench runs in a session of its own at
# autogroup nice -20 (Linux shares the CPUs between sessions first, so plain
# nice would not count against another session's build), so that other work
# on a shared machine does not land in the middle of a run; it takes the
# CPUs from that work for as long as it runs. Needs wrk (apt-get install -y
# wrk), taskset, setsid, node and /usr/bin/python3 with Tornado.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${BENCH_OWN_SESSION:-}" ] && command -v setsid >/dev/null; then
  BENCH_OWN_SESSION=1 exec setsid -w bash "$0" "$@"
fi
if [ -w /proc/self/autogroup ]; then
  echo -20 >/proc/self/autogroup 2>/dev/null || true
fi

secs=${1:-10}
rounds=${2:-3}
py=/usr/bin/python3
port=18871
agent_port=18872
results=$(mktemp)
trap 'rm -f "$results"' EXIT

# cpu_ticks PID: user and system CPU time of PID and its threads, in ticks.
cpu_ticks() {
  awk '{print $14 + $15}' "/proc/$1/stat"
}

# run NAME FORM CMD...: start CMD pinned to CPU 0, load it, record one line.
run() {
  local name=$1 form=$2
  shift 2
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
    echo "port $port answers before $name starts: not measuring someone else's server" >&2
    exit 1
  fi
  taskset -c 0 "$@" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 100); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/" && break
    sleep 0.1
  done
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "$name ($form) exited before it was measured" >&2
    exit 1
  fi
  taskset -c 1 wrk -t1 -c10 -d1s "http://127.0.0.1:$port/" >/dev/null # warm-up
  local out cpu0 cpu1
  cpu0=$(cpu_ticks "$pid")
  out=$(taskset -c 1 wrk -t1 -c10 -d"${secs}s" --latency "http://127.0.0.1:$port/")
  cpu1=$(cpu_ticks "$pid")
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  local rps p99 requests
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  # CPU time the server spent per request: what the agent adds, whatever
  # share of the CPU a noisy neighbour left the server.
  local us
  us=$(awk -v t=$((cpu1 - cpu0)) -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
  echo "$name $form $rps $p99 $us" | tee -a "$results"
}

# pair NAME CMD...: CMD without its agent, then under it. CMD is the
# server's script and arguments; the agent's command line goes in front.
pair() {
  local name=$1
  shift
  if [ "$name" = node ]; then
    run "$name" plain node "$@"
    BLOCKPROBE_AGENT=127.0.0.1:$agent_port run "$name" agent node -r ./agents/node/blockprobe-agent.js "$@"
  else
    run "$name" plain $py "$@"
    run "$name" agent $py agents/python/blockprobe_agent.py --port $agent_port -- "$@"
  fi
}

for round in $(seq "$rounds"); do
  echo "== round $round" >&2
  pair tornado examples/tornado/server.py --mode async --port $port
  pair asyncio examples/asyncio/server.py --mode async --port $port
  pair node examples/node/server.js --mode async --port $port
done

# Medians per server and form, and the agent's cost relative to plain.
$py - "$results" <<'EOF'
import statistics, sys
def ms(text):
    for unit, f in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * f
rows = {}
for line in open(sys.argv[1]):
    name, form, rps, p99, us = line.split()
    rows.setdefault((name, form), []).append((float(rps), ms(p99), float(us)))
print(f"\n{'server':8} {'form':6} {'req/s':>8} {'p99 ms':>7} {'CPU us/req':>10}   (medians; runs: req/s | p99 ms | CPU us/req)")
for name in ("tornado", "asyncio", "node"):
    base = None
    for form in ("plain", "agent"):
        runs = rows.get((name, form), [])
        if not runs:
            continue
        rps, p99, us = (statistics.median(r[i] for r in runs) for i in range(3))
        extra = ""
        if form == "plain":
            base = (rps, p99, us)
        elif base:
            extra = (f"\n{'':8} {'agent':6} {(rps / base[0] - 1) * 100:+7.1f}% {p99 - base[1]:+7.2f} "
                     f"{(us / base[2] - 1) * 100:+9.1f}%   the agent's cost")
        detail = " | ".join(" ".join(f"{r[i]:.{d}f}" for r in runs) for i, d in ((0, 0), (1, 2), (2, 1)))
        print(f"{name:8} {form:6} {rps:8.0f} {p99:7.2f} {us:10.1f}   {detail}{extra}")
EOF
