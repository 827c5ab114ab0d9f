# shellcheck shell=bash
# Sourced by scripts/deploy.sh, plan.sh and destroy.sh: finds terraform and tflocal, points Terraform
# at the offline provider mirror when there is one, and fills in the emulator defaults (MSK off, a
# self-signed certificate for the load balancer, a signing key).
#
#   AWS_ENDPOINT_URL      LocalStack-compatible endpoint (or LOCALSTACK_HOST=host:port); default
#                         http://localhost:4566
#   PMS_TF_DIR            Terraform directory (default: terraform/ of this repository)
#   PMS_TF_PLUGIN_MIRROR  provider mirror (filesystem_mirror layout; default /opt/tf-plugins)
#   TFLOCAL               tflocal to use (default: on PATH, else the venv of setup.sh)

pms_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PMS_TF_DIR="${PMS_TF_DIR:-$pms_root/terraform}"

if ! command -v terraform >/dev/null 2>&1; then
  echo "blocked: terraform is not installed (needed >= 1.11)" >&2
  exit 2
fi

if [ -z "${TFLOCAL:-}" ]; then
  if command -v tflocal >/dev/null 2>&1; then
    TFLOCAL="$(command -v tflocal)"
  else
    TFLOCAL="$(bash "$pms_root/scripts/localstack/setup.sh")/bin/tflocal"
  fi
fi

# Offline provider installation from the mirror when there is one (this replaces any
# TF_CLI_CONFIG_FILE of the caller: set PMS_TF_PLUGIN_MIRROR=none to keep it).
pms_mirror="${PMS_TF_PLUGIN_MIRROR:-/opt/tf-plugins}"
if [ "$pms_mirror" != "none" ] && [ -d "$pms_mirror" ]; then
  pms_cli_config="$(mktemp "${TMPDIR:-/tmp}/pms-tf-cli.XXXXXX")"
  trap 'rm -f "$pms_cli_config"' EXIT
  cat >"$pms_cli_config" <<TFRC
provider_installation {
  filesystem_mirror {
    path    = "$pms_mirror"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/*"]
  }
}
TFRC
  export TF_CLI_CONFIG_FILE="$pms_cli_config"
fi

# The emulator: LOCALSTACK_HOST=host:port is turned into AWS_ENDPOINT_URL, which tflocal, the AWS
# provider and the SDKs all read.
if [ -z "${AWS_ENDPOINT_URL:-}" ]; then
  export AWS_ENDPOINT_URL="http://${LOCALSTACK_HOST:-localhost:4566}"
fi
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-${AWS_REGION:-us-east-1}}"
export TF_VAR_aws_region="${TF_VAR_aws_region:-$AWS_DEFAULT_REGION}"
export TF_IN_AUTOMATION=1
export DISABLE_DEPRECATION_NOTICE=1
# Emulators cannot run MSK: the services get TF_VAR_kafka_brokers (empty: events stay queued).
export TF_VAR_enable_msk="${TF_VAR_enable_msk:-false}"
# Nothing should survive a destroy on an emulator.
export TF_VAR_secret_recovery_window_days="${TF_VAR_secret_recovery_window_days:-0}"

# auth's signing key is a write-only argument: Terraform needs a value for every plan, apply and
# destroy, but writes it to Secrets Manager only when jwt_key_version changes (the first apply, a
# rotation). Without TF_VAR_jwt_private_key_pem a fresh Ed25519 key is made here: on the first
# apply it becomes auth's key, on later runs it is never used.
if [ -z "${TF_VAR_jwt_private_key_pem:-}" ]; then
  TF_VAR_jwt_private_key_pem="$(openssl genpkey -algorithm ed25519)"
  export TF_VAR_jwt_private_key_pem
fi
# The same for audit's checkpoint key (audit_checkpoint_key_version).
if [ -z "${TF_VAR_audit_checkpoint_key_pem:-}" ]; then
  TF_VAR_audit_checkpoint_key_pem="$(openssl genpkey -algorithm ed25519)"
  export TF_VAR_audit_checkpoint_key_pem
fi
# The same for auth's TOTP secret keyring (mfa_encryption_key_version).
if [ -z "${TF_VAR_mfa_encryption_key:-}" ]; then
  TF_VAR_mfa_encryption_key="k1:$(openssl rand -base64 32)"
  export TF_VAR_mfa_encryption_key
fi

# The load balancer serves HTTPS only, so it needs a certificate. Without TF_VAR_certificate_arn
# or TF_VAR_tls_certificate_pem, a self-signed one is made once with openssl, kept next to the
# state ($PMS_TF_DIR/.tls/, so that every later plan sees the same one and changes nothing) and
# imported into the emulator's ACM by Terraform (terraform/alb.tf).
if [ -z "${TF_VAR_certificate_arn:-}" ] && [ -z "${TF_VAR_tls_certificate_pem:-}" ]; then
  pms_tls_dir="$PMS_TF_DIR/.tls"
  if [ ! -s "$pms_tls_dir/cert.pem" ] || [ ! -s "$pms_tls_dir/key.pem" ]; then
    mkdir -p "$pms_tls_dir"
    chmod 700 "$pms_tls_dir"
    pms_tls_host="${TF_VAR_project:-patient-management}.emulator.internal"
    openssl req -x509 -newkey rsa:2048 -nodes -days 825 -sha256 \
      -subj "/CN=$pms_tls_host" -addext "subjectAltName=DNS:$pms_tls_host" \
      -keyout "$pms_tls_dir/key.pem" -out "$pms_tls_dir/cert.pem" 2>/dev/null
    echo "self-signed certificate for the load balancer: $pms_tls_dir/cert.pem" >&2
  fi
  TF_VAR_tls_certificate_pem="$(cat "$pms_tls_dir/cert.pem")"
  TF_VAR_tls_private_key_pem="$(cat "$pms_tls_dir/key.pem")"
  export TF_VAR_tls_certificate_pem TF_VAR_tls_private_key_pem
fi

tf() {
  (cd "$PMS_TF_DIR" && "$TFLOCAL" "$@")
}
