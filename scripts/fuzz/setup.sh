#!/usr/bin/env bash
# Creates (once) a virtualenv with schemathesis (the `st` command) and prints its path.
#   PMS_FUZZ_VENV  where the venv lives (default: ${XDG_CACHE_HOME:-$HOME/.cache}/pms/fuzz-venv)
# The venv is rebuilt when requirements.txt changes (its hash is kept beside it).
# Needs python3 with the venv module (Debian: python3-venv).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${PMS_FUZZ_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/pms/fuzz-venv}"
requirements="$here/requirements.txt"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"

if [ -x "$venv/bin/st" ] && [ -x "$venv/bin/python" ] \
  && [ "$(cat "$venv/.requirements.sha256" 2>/dev/null || true)" = "$want" ]; then
  echo "$venv"
  exit 0
fi

python="${PYTHON:-$(command -v python3 || true)}"
if [ -z "$python" ]; then
  echo "setup.sh: python3 is required" >&2
  exit 1
fi
echo "setup.sh: creating $venv" >&2
mkdir -p "$(dirname "$venv")"
rm -rf "$venv"
"$python" -m venv "$venv" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
echo "$want" >"$venv/.requirements.sha256"
echo "$venv"
