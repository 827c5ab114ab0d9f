#!/usr/bin/env bash
# Creates (once) a virtualenv with schemathesis (the `st` command) and prints its path.
#   PMS_FUZZ_VENV  where the venv lives (default: ${XDG_CACHE_HOME:-$HOME/.cache}/pms/fuzz-venv)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec bash "$here/../python_venv.sh" "$here/requirements.txt" \
  "${PMS_FUZZ_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/pms/fuzz-venv}" st
