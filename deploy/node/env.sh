#!/usr/bin/env bash
# Install (once) the Node packages of deploy/node/NAME, exactly as its
# package-lock.json pins them, and print the directory holding node_modules:
# tools the tests start (Azurite, the Azure Storage emulator: internal/azurite).
#
# Usage:  deploy/node/env.sh NAME        e.g. azurite
#
# The packages live in ${EXPHUB_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/exphub/node}/NAME-<hash>,
# <hash> being the first 12 hex digits of the lock file's sha256, so a changed
# lock gets a new directory and an old one is never patched in place. A stamp
# (.exphub-complete) is written last, once `npm ci` finished; a directory
# without it (an interrupted install) is removed and made again. Two processes
# running this at once are serialised by flock(1) on NAME-<hash>.lock.
#
# `npm ci --ignore-scripts`: the lock file is the whole install, and no
# package's install script runs. It needs the npm registry only while the
# directory is made; reuse is offline.
#
# stdout: the directory and nothing else. Progress and npm's output: stderr.
#
# Needs: bash, flock (util-linux), sha256sum or shasum, node and npm.
set -euo pipefail

die() { echo "env.sh: $*" >&2; exit 1; }

[[ $# -eq 1 && $1 =~ ^[a-z0-9][a-z0-9_-]*$ ]] || die "usage: env.sh NAME (a folder of $(dirname "$0"))"
name=$1
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$script_dir/$name
[[ -f $src/package.json && -f $src/package-lock.json ]] || die "no $src/package.json and package-lock.json"

if command -v sha256sum >/dev/null 2>&1; then
	sum=$(cat "$src/package.json" "$src/package-lock.json" | sha256sum)
elif command -v shasum >/dev/null 2>&1; then
	sum=$(cat "$src/package.json" "$src/package-lock.json" | shasum -a 256)
else
	die "need sha256sum or shasum"
fi
hash=${sum:0:12}

cache=${EXPHUB_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/exphub/node}
dir=$cache/$name-$hash
stamp=$dir/.exphub-complete

# Fast path: a finished directory is never changed again.
if [[ -f $stamp ]]; then
	printf '%s\n' "$dir"
	exit 0
fi

command -v flock >/dev/null 2>&1 || die "need flock (util-linux) to make $dir safely"
command -v npm >/dev/null 2>&1 || die "need npm (Node 18 or newer)"
mkdir -p "$cache"
exec 9>"$dir.lock"
if ! flock -n 9; then
	echo "env.sh: waiting for another process making $dir" >&2
	flock 9
fi
if [[ -f $stamp ]]; then
	printf '%s\n' "$dir"
	exit 0
fi

rm -rf "$dir"
mkdir -p "$dir"
cp "$src/package.json" "$src/package-lock.json" "$dir/"
echo "env.sh: installing $name into $dir" >&2
(cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
touch "$stamp"
printf '%s\n' "$dir"
