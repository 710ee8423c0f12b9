#!/usr/bin/env bash
# Probe a running service for a blocked event loop, as a CI step:
#   blockprobe-check.sh NAME=URL [EXPECT] [extra blockprobe flags...]
# EXPECT (default NAME=not-starved) is any --expect value; an argument that
# starts with - is a flag, not an expectation. Writes blockprobe.json (the
# report, keep it as an artifact; written for a failed run too) and appends
# a Markdown summary to $GITHUB_STEP_SUMMARY (or to blockprobe.md without it).
# Exits with blockprobe's code: 0 expectations met, 1 unmet, 2 bad usage
# (no target given), 3 target unreachable or failing, 4 an output not written.
set -uo pipefail
if [ $# -lt 1 ] || [[ $1 != *=* ]]; then
  echo "usage: blockprobe-check.sh NAME=URL [EXPECT] [blockprobe flags...]" >&2
  exit 2
fi
target=$1
shift
expect="${target%%=*}=not-starved"
if [ $# -ge 1 ] && [[ $1 != -* ]]; then
  expect=$1
  shift
fi
bp=${BLOCKPROBE:-blockprobe}
summary=${GITHUB_STEP_SUMMARY:-blockprobe.md}

"$bp" compare --target "$target" --expect "$expect" --format json --output blockprobe.json "$@"
rc=$?
if [ -f blockprobe.json ]; then
  "$bp" report blockprobe.json --format markdown >>"$summary"
fi
exit $rc
