#!/usr/bin/env bash
# Creates (once) a virtualenv with moto's server and terraform-local (tflocal) and prints its path.
#   PMS_LOCALSTACK_VENV  where the venv lives (default: ${XDG_CACHE_HOME:-$HOME/.cache}/pms/localstack-venv)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec bash "$here/../python_venv.sh" "$here/requirements.txt" \
  "${PMS_LOCALSTACK_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/pms/localstack-venv}" tflocal
