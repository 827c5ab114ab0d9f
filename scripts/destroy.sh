#!/usr/bin/env bash
# Destroys what scripts/deploy.sh created on LocalStack (or a LocalStack-compatible endpoint).
# Settings: see scripts/localstack/env.sh.
set -euo pipefail
# shellcheck source=localstack/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/localstack/env.sh"

echo "destroy: $PMS_TF_DIR -> $AWS_ENDPOINT_URL" >&2
tf init -input=false >&2
# The emulator (moto) may answer InvalidPermission.NotFound for a security group rule that went with
# its group while terraform destroyed both in parallel; deleting what is already gone is done, so a
# second pass (which refreshes the state first) finishes the rest.
if ! tf destroy -input=false -auto-approve >&2; then
  echo "destroy: a step failed; one more pass" >&2
  tf destroy -input=false -auto-approve >&2
fi
echo "destroy: done" >&2
