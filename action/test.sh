#!/usr/bin/env bash
# Tests the GitHub Action outside GitHub, as .ci/run does:
#   bash action/test.sh [DIST]
# action.yml passes every input it declares to the scripts; install.sh builds
# blockprobe from this checkout; run.sh, against the embedded target served on
# 127.0.0.1, passes on a free loop (exit 0), fails on a blocked one (1), on a
# dead service (3) and without a target (2), and each run leaves the Markdown
# report in the job summary. With DIST, the dist/ folder of a GoReleaser
# snapshot, install.sh also downloads this platform's archive from a local
# HTTP server laid out like a GitHub release and checks its checksum.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dist=${1:-}
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in ${pids[@]+"${pids[@]}"}; do kill "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT

quiet() { "$@" >/dev/null 2>&1; }

failures=0
check() {  # check WHAT COMMAND...: one line, ok or FAIL; fails as COMMAND does
  local what=$1
  shift
  if "$@"; then
    echo "ok   $what"
  else
    echo "FAIL $what"
    failures=$((failures + 1))
    return 1
  fi
}

# Every input action.yml declares reaches a script, and it uses no other.
inputs=$(python3 - "$root/action.yml" <<'PY'
import re, sys, yaml
text = open(sys.argv[1]).read()
declared = set(yaml.safe_load(text)["inputs"])
used = set(re.findall(r"inputs\.([a-z-]+)", text))
print(" ".join(sorted(declared ^ used)))
PY
)
check "action.yml uses exactly the inputs it declares${inputs:+ (not: $inputs)}" test -z "$inputs"

# install.sh, as the action runs it without a version: go build from here.
export GITHUB_OUTPUT=$tmp/install.out GITHUB_PATH=$tmp/install.path
bp=$(bash "$root/action/install.sh" "$tmp/bin")
check "install.sh builds blockprobe" quiet "$bp" version
check "install.sh sets the output path" grep -qx "path=$bp" "$GITHUB_OUTPUT"
check "install.sh puts blockprobe on PATH" grep -qx "$tmp/bin" "$GITHUB_PATH"
unset GITHUB_OUTPUT GITHUB_PATH

serve() {  # serve MODE: the embedded target in the background; sets url
  "$bp" serve --mode "$1" --addr 127.0.0.1:0 --complex-delay 300ms >"$tmp/serve-$1" 2>&1 &
  pids+=($!)
  url=
  for _ in $(seq 100); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$tmp/serve-$1" | head -1)
    if [ -n "$url" ]; then return 0; fi
    sleep 0.1
  done
  echo "blockprobe serve --mode $1 did not start: $(cat "$tmp/serve-$1")"
  exit 1
}

probe() {  # probe CASE WANT: run.sh in a folder of its own, with the INPUT_* given
  local dir=$tmp/$1 want=$2 rc
  mkdir -p "$dir"
  (cd "$dir" && GITHUB_STEP_SUMMARY=$dir/summary.md GITHUB_OUTPUT=$dir/output BLOCKPROBE=$bp \
    bash "$root/action/run.sh") >"$dir/log" 2>&1
  rc=$?
  check "run.sh $1: exit $rc, want $want" test "$rc" = "$want" || sed 's/^/     /' "$dir/log"
  if [ "$want" = 2 ]; then return; fi
  check "run.sh $1: the summary has the Markdown report" grep -q '^### blockprobe' "$dir/summary.md"
  check "run.sh $1: the output exit-code is $want" grep -qx "exit-code=$want" "$dir/output"
}

# 150ms: an async probe can take 70ms on a busy 2-core machine (cmd/e2e_test.go).
serve async
INPUT_TARGET=$url INPUT_DURATION=1s INPUT_STARVE_THRESHOLD=150ms INPUT_ARGS="--baseline 5 --rate 10" \
  INPUT_EXPECT=$'not-starved\n  main.loaded.p99<5s  ' probe free-loop 0
check "run.sh free-loop: the JSON report for the artifact" test -s "$tmp/free-loop/blockprobe.json"
check "run.sh free-loop: the summary has the figures" grep -q '^| MainHandler | loaded |' "$tmp/free-loop/summary.md"

serve blocking
INPUT_TARGET=$url INPUT_DURATION=1s INPUT_STARVE_THRESHOLD=150ms INPUT_EXPECT=not-starved \
  INPUT_REPORT=blocked.json probe blocked-loop 1
check "run.sh blocked-loop: the summary says starved" grep -q 'STARVED' "$tmp/blocked-loop/summary.md"

dead=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
INPUT_TARGET=http://127.0.0.1:$dead INPUT_DURATION=1s probe dead-service 3
INPUT_TARGET='' probe no-target 2

if [ -n "$dist" ]; then
  version=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$dist/metadata.json")
  mkdir -p "$tmp/releases/v$version" "$tmp/forged/v$version"
  dist=$(cd "$dist" && pwd)
  ln -s "$dist"/*.tar.gz "$dist"/*.zip "$dist/checksums.txt" "$tmp/releases/v$version/"
  ln -s "$dist"/*.tar.gz "$dist"/*.zip "$tmp/forged/v$version/"
  sed 's/^./x/' "$dist/checksums.txt" >"$tmp/forged/v$version/checksums.txt"
  (cd "$tmp" && exec python3 -u -m http.server 0 --bind 127.0.0.1 >"$tmp/http.log" 2>&1) &
  pids+=($!)
  port=
  for _ in $(seq 100); do
    port=$(grep -o 'port [0-9]*' "$tmp/http.log" | head -1 | cut -d' ' -f2)
    if [ -n "$port" ]; then break; fi
    sleep 0.1
  done
  got=$(INPUT_VERSION=v$version BLOCKPROBE_RELEASES_URL=http://127.0.0.1:$port/releases \
    bash "$root/action/install.sh" "$tmp/download" 2>&1)
  check "install.sh downloads release $version: $got" quiet "$tmp/download/blockprobe" version
  check "install.sh: the downloaded binary is release $version" \
    bash -c "'$tmp/download/blockprobe' version | grep -q '^blockprobe $version'"
  check "install.sh refuses an archive that does not match checksums.txt" \
    bash -c "! INPUT_VERSION=$version BLOCKPROBE_RELEASES_URL=http://127.0.0.1:$port/forged \
      bash '$root/action/install.sh' '$tmp/forged-bin' 2>/dev/null"
fi

if [ "$failures" -gt 0 ]; then
  echo "action: $failures checks failed"
  exit 1
fi
echo "action: all checks passed"
