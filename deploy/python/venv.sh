#!/usr/bin/env bash
# Make (once) the Python virtual environment of deploy/python/requirements-NAME.txt
# and print its path: the real OpenLineage client and Feast that the end-to-end
# tests drive (internal/pyenv runs this script).
#
# Usage:  deploy/python/venv.sh NAME        e.g. openlineage, feast
#
# The venv lives in ${EXPHUB_PY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/exphub/python}/NAME-<hash>,
# <hash> being the first 12 hex digits of the requirements file's sha256, so a
# changed pin list gets a new venv and an old one is never patched in place.
# A stamp file (.exphub-complete) is written last, once everything installed
# and `pip check` passed: a venv with a stamp is reused as it is, one without
# (an interrupted or failed install) is removed and made again. Two processes
# running this at once are serialised by flock(1) on NAME-<hash>.lock; the one
# that waited finds the stamp and reuses the venv.
#
# The install is exactly the pinned list and nothing else: `pip install
# --no-deps --only-binary=:all:` of the requirements file (every transitive
# dependency is in it, so nothing unpinned is resolved, and no sdist's build
# code runs), then `pip check` proves the list is complete. It needs PyPI (or
# the index pip is configured for) only while a venv is made; reuse is offline.
# The venv never sees the system site-packages (python3 -m venv's default) nor
# a user site, PYTHONPATH or PIP_USER/PIP_TARGET/PIP_PREFIX.
#
# stdout: the venv path and nothing else. Progress and pip's output: stderr.
#
# Environment:
#   EXPHUB_PY_CACHE   where venvs are kept [${XDG_CACHE_HOME:-$HOME/.cache}/exphub/python]
#   EXPHUB_PYTHON     the interpreter venvs are made with [python3]; 3.11 or newer
#                     (numpy 2.4 needs it)
#
# Needs: bash, flock (util-linux), sha256sum or shasum, python3 with venv/ensurepip.
set -euo pipefail

die() { echo "venv.sh: $*" >&2; exit 1; }

[[ $# -eq 1 && $1 =~ ^[a-z0-9][a-z0-9_-]*$ ]] || die "usage: venv.sh NAME (requirements-NAME.txt in $(dirname "$0"))"
name=$1
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
req=$script_dir/requirements-$name.txt
[[ -f $req ]] || die "no $req"

if command -v sha256sum >/dev/null 2>&1; then
	sum=$(sha256sum "$req")
elif command -v shasum >/dev/null 2>&1; then
	sum=$(shasum -a 256 "$req")
else
	die "need sha256sum or shasum"
fi
hash=${sum:0:12}

cache=${EXPHUB_PY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/exphub/python}
venv=$cache/$name-$hash
stamp=$venv/.exphub-complete

# Fast path: a finished venv is never changed again, so it needs no lock.
if [[ -f $stamp ]]; then
	printf '%s\n' "$venv"
	exit 0
fi

command -v flock >/dev/null 2>&1 || die "need flock (util-linux) to make $venv safely"
mkdir -p "$cache"
exec 9>"$venv.lock"
if ! flock -n 9; then
	echo "venv.sh: waiting for another process making $venv" >&2
	flock 9
fi
if [[ -f $stamp ]]; then # the process we waited for made it
	printf '%s\n' "$venv"
	exit 0
fi

python=${EXPHUB_PYTHON:-python3}
command -v "$python" >/dev/null 2>&1 || die "no $python on PATH"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
	die "$python is $("$python" -c 'import sys; print(sys.version.split()[0])'); the pins need Python 3.11 or newer"

# Nothing from the caller's Python set-up may leak into the install.
unset PYTHONPATH PYTHONHOME PIP_USER PIP_TARGET PIP_PREFIX PIP_REQUIRE_VIRTUALENV VIRTUAL_ENV
export PYTHONNOUSERSITE=1

# A failed or interrupted make leaves no stamp and no half venv.
ok=
cleanup() { [[ -n $ok ]] || rm -rf "$venv"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

rm -rf "$venv"
echo "venv.sh: making $venv from $(basename "$req") with $("$python" -c 'import sys; print(sys.executable, sys.version.split()[0])')" >&2
start=$SECONDS
"$python" -m venv "$venv" >&2
"$venv/bin/python" -m pip install --no-input --disable-pip-version-check --no-deps --only-binary=:all: -r "$req" >&2
"$venv/bin/python" -m pip check --disable-pip-version-check >&2

tmp=$stamp.tmp.$$
{
	echo "requirements=$req"
	echo "sha256=${sum%% *}"
	echo "python=$("$venv/bin/python" -c 'import sys; print(sys.version.split()[0])')"
	echo "made=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >"$tmp"
mv -f "$tmp" "$stamp"
ok=1
echo "venv.sh: made $venv in $((SECONDS - start))s" >&2
printf '%s\n' "$venv"
