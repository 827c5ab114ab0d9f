#!/usr/bin/env bash
# Writes .env for `docker compose up` (compose.yml): random passwords for PostgreSQL and each
# service's two database logins (its own and its database's owner), a fresh Ed25519 key auth signs
# tokens with and another audit signs its chain checkpoints with, and the AES key auth encrypts TOTP
# secrets with. Refuses to overwrite an existing file. .env is never committed; .env.example shows
# every variable.
#   make-env.sh [path]   (default: .env at the repository root)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
target="${1:-$root/.env}"
if [ -e "$target" ]; then
  echo "make-env: $target exists; remove it first to make new secrets" >&2
  exit 1
fi
secret() { openssl rand -hex 24; }
umask 077
{
  echo "# Made by scripts/compose/make-env.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ). Never commit this file."
  echo "POSTGRES_PASSWORD=$(secret)"
  # >>> database logins: written by `deno task generate` from services/catalog.json
  echo "AUTH_DB_PASSWORD=$(secret)"
  echo "AUTH_DB_OWNER_PASSWORD=$(secret)"
  echo "BILLING_DB_PASSWORD=$(secret)"
  echo "BILLING_DB_OWNER_PASSWORD=$(secret)"
  echo "PATIENT_DB_PASSWORD=$(secret)"
  echo "PATIENT_DB_OWNER_PASSWORD=$(secret)"
  echo "ANALYTICS_DB_PASSWORD=$(secret)"
  echo "ANALYTICS_DB_OWNER_PASSWORD=$(secret)"
  echo "NOTIFICATION_DB_PASSWORD=$(secret)"
  echo "NOTIFICATION_DB_OWNER_PASSWORD=$(secret)"
  echo "AUDIT_DB_PASSWORD=$(secret)"
  echo "AUDIT_DB_OWNER_PASSWORD=$(secret)"
  echo "SCHEDULING_DB_PASSWORD=$(secret)"
  echo "SCHEDULING_DB_OWNER_PASSWORD=$(secret)"
  echo "CLINICAL_DB_PASSWORD=$(secret)"
  echo "CLINICAL_DB_OWNER_PASSWORD=$(secret)"
  # <<< database logins
  echo "JWT_PRIVATE_KEY=\"$(openssl genpkey -algorithm ed25519)\""
  echo "AUDIT_CHECKPOINT_KEY=\"$(openssl genpkey -algorithm ed25519)\""
  echo "MFA_ENCRYPTION_KEY=k1:$(openssl rand -base64 32)"
  echo "# SMTP_URL=smtp://user:password@mail.example.com:587"
} >"$target"
echo "make-env: wrote $target" >&2
