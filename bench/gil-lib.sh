# shellcheck shell=bash
# Sourced from the repository's root by the benches that run real Tornado
# (fidelity-gil.sh, gil-spread.sh, race-regimes.sh): the Python with Tornado,
# a scratch directory, the blockprobe under test ($BP), and real Tornado
# started and stopped.
PY=/usr/bin/python3
$PY -c 'import tornado' || { echo "$(basename "$0" .sh): $PY cannot import tornado" >&2; exit 2; }
tmp=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$tmp"' EXIT
go build -o "$tmp/blockprobe" .
# shellcheck disable=SC2034 # read by the scripts that source this
BP=$tmp/blockprobe

# tornado_start PIN ARGS...: examples/tornado/server.py ARGS on a free port
# ($port), under taskset -c 0 when PIN is 1; waits until it listens.
tornado_start() {
  local pre=()
  [ "$1" = 1 ] && pre=(taskset -c 0)
  shift
  port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "${pre[@]}" $PY examples/tornado/server.py "$@" --port "$port" >/dev/null 2>&1 &
  server=$!
  for _ in $(seq 150); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
}

tornado_stop() {
  kill "$server" 2>/dev/null
  wait "$server" 2>/dev/null || true
  server=
}
