#!/usr/bin/env bash
# The GitHub Action's probe step (action.yml), kept in a file so that it runs,
# and is tested, outside GitHub: action/test.sh, from .ci/run.
#
# It probes a running service with `blockprobe run`, writes the JSON report
# (for the artifact), appends the Markdown report to $GITHUB_STEP_SUMMARY
# (blockprobe.md without it) and exits with blockprobe's code: 0 done and
# expectations met, 1 an expectation unmet, 2 bad usage, 3 the run failed,
# 4 an output was lost.
#
# Inputs are environment variables, named as GitHub names an action's inputs:
#   INPUT_TARGET            the service's base URL (required)
#   INPUT_MAIN_PATH         MainHandler's path (blockprobe's default: /)
#   INPUT_COMPLEX_PATH      ComplexHandler's path (default: /complex)
#   INPUT_DURATION          load window (default: 10s)
#   INPUT_RATE              MainHandler probes per second (default: 20)
#   INPUT_CONCURRENCY       ComplexHandler requests in flight (default: 1)
#   INPUT_EXPECT            expectations, one per line: not-starved, main.loaded.p99<100ms, ...
#   INPUT_STARVE_THRESHOLD  how far MainHandler's p99 may rise before it is starved (default: 50ms)
#   INPUT_TIMEOUT           per-request timeout (default: 30s)
#   INPUT_ARGS              more flags for `blockprobe run`, split on blanks
#   INPUT_REPORT            where to write the JSON report (default: blockprobe.json)
# BLOCKPROBE is the binary to run (default: blockprobe on PATH). When
# $GITHUB_OUTPUT is set, the step's outputs exit-code and report go there.
set -uo pipefail

bp=${BLOCKPROBE:-blockprobe}
report=${INPUT_REPORT:-blockprobe.json}
summary=${GITHUB_STEP_SUMMARY:-blockprobe.md}

if [ -z "${INPUT_TARGET:-}" ]; then
  echo "blockprobe action: the input 'target' is required: the base URL of the service to probe" >&2
  exit 2
fi

args=(run --target "$INPUT_TARGET" --format json --output "$report" --no-progress)
flag() {  # flag NAME VALUE: pass --NAME VALUE when VALUE is set
  if [ -n "$2" ]; then args+=("--$1" "$2"); fi
}
flag main-path "${INPUT_MAIN_PATH:-}"
flag complex-path "${INPUT_COMPLEX_PATH:-}"
flag duration "${INPUT_DURATION:-}"
flag rate "${INPUT_RATE:-}"
flag concurrency "${INPUT_CONCURRENCY:-}"
flag starve-threshold "${INPUT_STARVE_THRESHOLD:-}"
flag timeout "${INPUT_TIMEOUT:-}"
while read -r expectation; do
  flag expect "$expectation"
done <<<"${INPUT_EXPECT:-}"
read -r -d '' -a extra <<<"${INPUT_ARGS:-}"
args+=(${extra[@]+"${extra[@]}"}) # an empty array is "unbound" to macOS's bash 3.2

"$bp" "${args[@]}"
rc=$?

if [ -s "$report" ]; then
  if ! { "$bp" report "$report" --format markdown && echo; } >>"$summary"; then
    echo "blockprobe action: could not append the Markdown report to $summary" >&2
    if [ "$rc" = 0 ]; then rc=4; fi
  fi
else
  printf '### blockprobe\n\n**No report: blockprobe exited %s before writing %s.** The step log says why.\n\n' "$rc" "$report" >>"$summary"
fi

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  printf 'exit-code=%s\nreport=%s\n' "$rc" "$report" >>"$GITHUB_OUTPUT"
fi
case $rc in
  0) ;;
  1) echo "::error title=blockprobe::an expectation was not met (exit 1); the job summary has the report" ;;
  3) echo "::error title=blockprobe::the run failed: the service could not be reached or failed (exit 3)" ;;
  4) echo "::error title=blockprobe::an output could not be written (exit 4)" ;;
  *) echo "::error title=blockprobe::blockprobe exited $rc" ;;
esac
exit "$rc"
