#!/usr/bin/env bash
# Probe a running service for a blocked event loop, as a CI step:
#   blockprobe-check.sh NAME=URL [EXPECT] [extra blockprobe flags...]
# Writes blockprobe.json (the report, keep it as an artifact) and appends a
# Markdown summary to $GITHUB_STEP_SUMMARY (or to blockprobe.md without it).
# Exits with blockprobe's code: 0 expectations met, 1 unmet, 2 bad usage,
# 3 target unreachable or failing.
set -uo pipefail
target=${1:?usage: blockprobe-check.sh NAME=URL [EXPECT] [flags...]}
name=${target%%=*}
expect=${2:-$name=not-starved}
shift $(( $# >= 2 ? 2 : 1 ))
bp=${BLOCKPROBE:-blockprobe}
summary=${GITHUB_STEP_SUMMARY:-blockprobe.md}

"$bp" compare --target "$target" --expect "$expect" --format json --output blockprobe.json "$@"
rc=$?
if [ -f blockprobe.json ]; then
  "$bp" report blockprobe.json --format markdown >>"$summary"
fi
exit $rc
