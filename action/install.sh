#!/usr/bin/env bash
# The GitHub Action's install step (action.yml): puts a blockprobe binary in
# DIR and prints its path; on GitHub it also sets the step's output `path`
# and puts DIR on the job's PATH. Tested outside GitHub by action/test.sh.
#   install.sh DIR
# INPUT_VERSION empty: build from the action's own checkout with `go build`
#   (GITHUB_ACTION_PATH, else the folder above this script); only the Go
#   module proxy is needed.
# INPUT_VERSION set (v1.2.3 or 1.2.3): download that release's archive for
#   this runner (RUNNER_OS, RUNNER_ARCH, else uname), check it against the
#   release's checksums.txt and unpack it. The releases are those of
#   GITHUB_ACTION_REPOSITORY (blockprobe/blockprobe without it), or under the
#   URL in BLOCKPROBE_RELEASES_URL: BASE/vVERSION/ARCHIVE.
set -euo pipefail
dir=${1:?usage: install.sh DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
# On Windows (Git Bash) a path that Go and bash both read: D:/a/_temp/...
if command -v cygpath >/dev/null; then dir=$(cygpath -m "$dir"); fi
src=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}
version=${INPUT_VERSION:-}

os=${RUNNER_OS:-$(uname -s)}
case $os in
  Linux | linux) os=linux ;;
  macOS | Darwin) os=darwin ;;
  Windows | MINGW* | MSYS* | CYGWIN*) os=windows ;;
  *) echo "blockprobe action: no release build for the OS $os" >&2; exit 2 ;;
esac
arch=${RUNNER_ARCH:-$(uname -m)}
case $arch in
  X64 | x86_64 | amd64) arch=amd64 ;;
  ARM64 | arm64 | aarch64) arch=arm64 ;;
  *) echo "blockprobe action: no release build for the architecture $arch" >&2; exit 2 ;;
esac
exe=blockprobe
if [ "$os" = windows ]; then exe=blockprobe.exe; fi

if [ -z "$version" ]; then
  # The action's ref (v1, a branch, a commit) says which source this is; a
  # checkout with .git adds the commit itself through the build info.
  ldflags=()
  if [ -n "${GITHUB_ACTION_REF:-}" ]; then
    ldflags=(-ldflags "-X github.com/blockprobe/blockprobe/cmd.version=$GITHUB_ACTION_REF")
  fi
  (cd "$src" && CGO_ENABLED=0 go build -trimpath ${ldflags[@]+"${ldflags[@]}"} -o "$dir/$exe" .)
else
  version=${version#v}
  base=${BLOCKPROBE_RELEASES_URL:-https://github.com/${GITHUB_ACTION_REPOSITORY:-blockprobe/blockprobe}/releases/download}
  ext=tar.gz
  if [ "$os" = windows ]; then ext=zip; fi
  archive=blockprobe_${version}_${os}_${arch}.$ext
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  curl -fsSL --retry 3 -o "$tmp/$archive" "$base/v$version/$archive"
  curl -fsSL --retry 3 -o "$tmp/checksums.txt" "$base/v$version/checksums.txt"
  want=$(awk -v f="$archive" '$2 == f { print $1 }' "$tmp/checksums.txt")
  if command -v sha256sum >/dev/null; then
    got=$(sha256sum "$tmp/$archive" | cut -d' ' -f1)
  else
    got=$(shasum -a 256 "$tmp/$archive" | cut -d' ' -f1)
  fi
  if [ -z "$want" ] || [ "$want" != "$got" ]; then
    echo "blockprobe action: $archive does not match the release's checksums.txt" >&2
    exit 1
  fi
  if [ "$ext" = zip ]; then
    if command -v unzip >/dev/null; then
      unzip -q -o "$tmp/$archive" "$exe" -d "$dir"
    else
      7z e -y -bd "-o$dir" "$tmp/$archive" "$exe" >/dev/null # Windows runners have 7-Zip
    fi
  else
    tar -xzf "$tmp/$archive" -C "$dir" "$exe"
  fi
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "path=$dir/$exe" >>"$GITHUB_OUTPUT"; fi
if [ -n "${GITHUB_PATH:-}" ]; then
  if command -v cygpath >/dev/null; then cygpath -w "$dir"; else echo "$dir"; fi >>"$GITHUB_PATH"
fi
echo "$dir/$exe"
