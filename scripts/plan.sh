#!/usr/bin/env bash
# Shows what scripts/deploy.sh would change on LocalStack (or a LocalStack-compatible endpoint):
# `tflocal plan` with the same settings (scripts/localstack/env.sh); arguments are passed on, e.g.
# `scripts/plan.sh -detailed-exitcode` exits 0 when nothing would change and 2 when something would.
set -euo pipefail
# shellcheck source=localstack/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/localstack/env.sh"

echo "plan: $PMS_TF_DIR -> $AWS_ENDPOINT_URL" >&2
tf init -input=false >&2
tf plan -input=false "$@"
