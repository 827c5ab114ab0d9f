#!/usr/bin/env bash
# Creates (once) a Python virtualenv from a pinned requirements file and prints its path:
#   python_venv.sh REQUIREMENTS VENV_DIR COMMAND
# COMMAND is a program the venv must have (bin/COMMAND). The venv is rebuilt when the
# requirements change (their hash is kept beside it). Needs python3 with venv (Debian:
# python3-venv); PYTHON picks another interpreter.
set -euo pipefail
requirements="$1"
venv="$2"
command="$3"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"

if [ -x "$venv/bin/$command" ] && [ -x "$venv/bin/python" ] \
  && [ "$(cat "$venv/.requirements.sha256" 2>/dev/null || true)" = "$want" ]; then
  echo "$venv"
  exit 0
fi

python="${PYTHON:-$(command -v python3 || true)}"
if [ -z "$python" ]; then
  echo "python_venv.sh: python3 is required" >&2
  exit 1
fi
echo "python_venv.sh: creating $venv" >&2
mkdir -p "$(dirname "$venv")"
rm -rf "$venv"
"$python" -m venv "$venv" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
echo "$want" >"$venv/.requirements.sha256"
echo "$venv"
