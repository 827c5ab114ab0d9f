#!/usr/bin/env bash
# Deploys terraform/ to LocalStack (or any LocalStack-compatible endpoint, e.g. moto's server) with
# tflocal and prints the gateway URL (the only line on stdout). Settings: see
# scripts/localstack/env.sh; any TF_VAR_* is passed on. Without TF_VAR_jwt_private_key_pem a fresh
# Ed25519 key is generated (it is only written on the first apply or when TF_VAR_jwt_key_version
# changes).
set -euo pipefail
# shellcheck source=localstack/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/localstack/env.sh"

echo "deploy: $PMS_TF_DIR -> $AWS_ENDPOINT_URL" >&2
tf init -input=false >&2
tf apply -input=false -auto-approve >&2
gateway_url="$(tf output -raw gateway_url)"
echo "deploy: gateway URL: $gateway_url" >&2
echo "$gateway_url"
