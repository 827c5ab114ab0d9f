# Secrets handed to the tasks as ECS secrets. Their values are written with write-only arguments
# from ephemeral values, so no password or key ever lands in the Terraform state or plan.

# Each database has two logins, each with a URL secret:
# - the owner (RDS's master user): owns the schema and runs the migrations. Its URL
#   (DATABASE_OWNER_URL) reaches only the task's `migrate` container (and audit's, for retention
#   pruning, when audit_retention_days > 0).
# - the service's own login <service>_app (DATABASE_URL), with only the rights the service needs.
#   The `migrate` container, as the owner, creates it with the URL's password and grants it those
#   rights; the service's long-running process holds only this URL.
# Passwords are fresh on every run but only written when db_password_version changes (or a
# database is replaced): the owner's to RDS and both URLs to their secrets, in the same apply.
ephemeral "aws_secretsmanager_random_password" "db" {
  for_each            = local.stateful
  password_length     = 32
  exclude_punctuation = true # the password goes into a URL unescaped
}

ephemeral "aws_secretsmanager_random_password" "db_app" {
  for_each            = local.stateful
  password_length     = 32
  exclude_punctuation = true
}

locals {
  db_app_username = { for name, s in local.stateful : name => "${name}${var.db_app_username_suffix}" }

  # The layout of the database secrets: 1 = an owner login for the migrations and a login of its
  # own per service. Each password version is db_password_version plus the layout, so that a
  # deployment made with another layout writes every password again in its next apply (RDS's and
  # both URL secrets together), and its secrets and databases agree without an operator's step.
  db_secret_layout       = 1
  db_credentials_version = var.db_password_version + local.db_secret_layout
}

resource "aws_secretsmanager_secret" "database_owner_url" {
  for_each                = local.stateful
  name                    = "${local.name}/${each.key}/database-owner-url"
  description             = "DATABASE_OWNER_URL of the ${each.key} service: the database owner, for migrations"
  recovery_window_in_days = var.secret_recovery_window_days
}

resource "aws_secretsmanager_secret_version" "database_owner_url" {
  for_each  = local.stateful
  secret_id = aws_secretsmanager_secret.database_owner_url[each.key].id
  secret_string_wo = format(
    "postgres://%s:%s@%s:%d/%s?sslmode=require",
    var.db_username,
    ephemeral.aws_secretsmanager_random_password.db[each.key].random_password,
    aws_db_instance.this[each.key].address,
    aws_db_instance.this[each.key].port,
    aws_db_instance.this[each.key].db_name,
  )
  secret_string_wo_version = local.db_credentials_version

  lifecycle {
    # A replaced database got a new password at creation: write the URL again in that apply.
    replace_triggered_by = [aws_db_instance.this[each.key].id]
  }
}

resource "aws_secretsmanager_secret" "database_url" {
  for_each                = local.stateful
  name                    = "${local.name}/${each.key}/database-url"
  description             = "DATABASE_URL of the ${each.key} service: its own login, least rights"
  recovery_window_in_days = var.secret_recovery_window_days
}

resource "aws_secretsmanager_secret_version" "database_url" {
  for_each  = local.stateful
  secret_id = aws_secretsmanager_secret.database_url[each.key].id
  secret_string_wo = format(
    "postgres://%s:%s@%s:%d/%s?sslmode=require",
    local.db_app_username[each.key],
    ephemeral.aws_secretsmanager_random_password.db_app[each.key].random_password,
    aws_db_instance.this[each.key].address,
    aws_db_instance.this[each.key].port,
    aws_db_instance.this[each.key].db_name,
  )
  secret_string_wo_version = local.db_credentials_version

  lifecycle {
    # A new database has no service login yet: `migrate` creates it with this URL's password.
    replace_triggered_by = [aws_db_instance.this[each.key].id]
  }
}

# The keys the services hold: each in a secret handed to its service's tasks as the variable `env`
# (ecs.tf), readable by that service's execution role only (iam.tf). The values come from ephemeral
# variables and are written only when `version` changes (first apply, rotation).
locals {
  key_secrets = {
    jwt_private_key = {
      service     = "auth"
      env         = "JWT_PRIVATE_KEY"
      name        = "auth/jwt-private-key"
      description = "JWT_PRIVATE_KEY (Ed25519, PKCS8 PEM) of the auth service"
      version     = var.jwt_key_version
    }
    # The keyring auth encrypts TOTP secrets with (`kid:base64key,…`): new secrets use the first
    # key, stored ones open with the key their kid names.
    mfa_encryption_key = {
      service     = "auth"
      env         = "MFA_ENCRYPTION_KEY"
      name        = "auth/mfa-encryption-key"
      description = "MFA_ENCRYPTION_KEY (AES-256 keyring) of the auth service"
      version     = var.mfa_encryption_key_version
    }
    # The key audit signs its chain checkpoints with: outside the audit database, so its owner
    # cannot forge the evidence the checkpoints are.
    audit_checkpoint_key = {
      service     = "audit"
      env         = "AUDIT_CHECKPOINT_KEY"
      name        = "audit/checkpoint-key"
      description = "AUDIT_CHECKPOINT_KEY (Ed25519, PKCS8 PEM) of the audit service"
      version     = var.audit_checkpoint_key_version
    }
  }
  # Ephemeral (the variables are): read only by the write-only argument below.
  key_secret_values = {
    jwt_private_key      = var.jwt_private_key_pem
    mfa_encryption_key   = var.mfa_encryption_key
    audit_checkpoint_key = var.audit_checkpoint_key_pem
  }
}

resource "aws_secretsmanager_secret" "key" {
  for_each                = local.key_secrets
  name                    = "${local.name}/${each.value.name}"
  description             = each.value.description
  recovery_window_in_days = var.secret_recovery_window_days
}

resource "aws_secretsmanager_secret_version" "key" {
  for_each                 = local.key_secrets
  secret_id                = aws_secretsmanager_secret.key[each.key].id
  secret_string_wo         = local.key_secret_values[each.key]
  secret_string_wo_version = each.value.version
}

# Each key secret was a resource of its own: a deployment made then keeps its secrets.
moved {
  from = aws_secretsmanager_secret.jwt_private_key
  to   = aws_secretsmanager_secret.key["jwt_private_key"]
}
moved {
  from = aws_secretsmanager_secret_version.jwt_private_key
  to   = aws_secretsmanager_secret_version.key["jwt_private_key"]
}
moved {
  from = aws_secretsmanager_secret.mfa_encryption_key
  to   = aws_secretsmanager_secret.key["mfa_encryption_key"]
}
moved {
  from = aws_secretsmanager_secret_version.mfa_encryption_key
  to   = aws_secretsmanager_secret_version.key["mfa_encryption_key"]
}
moved {
  from = aws_secretsmanager_secret.audit_checkpoint_key
  to   = aws_secretsmanager_secret.key["audit_checkpoint_key"]
}
moved {
  from = aws_secretsmanager_secret_version.audit_checkpoint_key
  to   = aws_secretsmanager_secret_version.key["audit_checkpoint_key"]
}
