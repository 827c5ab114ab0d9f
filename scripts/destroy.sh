#!/usr/bin/env bash
# Destroys what scripts/deploy.sh created on LocalStack (or a LocalStack-compatible endpoint).
# Settings: see scripts/localstack/env.sh.
set -euo pipefail
# shellcheck source=localstack/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/localstack/env.sh"

echo "destroy: $PMS_TF_DIR -> $AWS_ENDPOINT_URL" >&2
tf init -input=false >&2
tf destroy -input=false -auto-approve >&2
echo "destroy: done" >&2
