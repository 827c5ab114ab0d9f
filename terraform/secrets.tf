# Secrets handed to the tasks as ECS secrets. Their values are written with write-only arguments
# from ephemeral values, so no password or key ever lands in the Terraform state or plan.

# One random password per database, fresh on every run but only written when db_password_version
# changes (or a database is replaced), to RDS and to the URL secret in the same apply.
ephemeral "aws_secretsmanager_random_password" "db" {
  for_each            = local.stateful
  password_length     = 32
  exclude_punctuation = true # the password goes into a URL unescaped
}

resource "aws_secretsmanager_secret" "database_url" {
  for_each                = local.stateful
  name                    = "${local.name}/${each.key}/database-url"
  description             = "DATABASE_URL of the ${each.key} service"
  recovery_window_in_days = var.secret_recovery_window_days
}

resource "aws_secretsmanager_secret_version" "database_url" {
  for_each  = local.stateful
  secret_id = aws_secretsmanager_secret.database_url[each.key].id
  secret_string_wo = format(
    "postgres://%s:%s@%s:%d/%s?sslmode=require",
    var.db_username,
    ephemeral.aws_secretsmanager_random_password.db[each.key].random_password,
    aws_db_instance.this[each.key].address,
    aws_db_instance.this[each.key].port,
    aws_db_instance.this[each.key].db_name,
  )
  secret_string_wo_version = var.db_password_version

  lifecycle {
    # A replaced database got a new password at creation: write the URL again in that apply.
    replace_triggered_by = [aws_db_instance.this[each.key].id]
  }
}

resource "aws_secretsmanager_secret" "jwt_private_key" {
  name                    = "${local.name}/auth/jwt-private-key"
  description             = "JWT_PRIVATE_KEY (Ed25519, PKCS8 PEM) of the auth service"
  recovery_window_in_days = var.secret_recovery_window_days
}

resource "aws_secretsmanager_secret_version" "jwt_private_key" {
  secret_id                = aws_secretsmanager_secret.jwt_private_key.id
  secret_string_wo         = var.jwt_private_key_pem
  secret_string_wo_version = var.jwt_key_version
}

# The key audit signs its chain checkpoints with: outside the audit database, so its owner cannot
# forge the evidence the checkpoints are.
resource "aws_secretsmanager_secret" "audit_checkpoint_key" {
  name                    = "${local.name}/audit/checkpoint-key"
  description             = "AUDIT_CHECKPOINT_KEY (Ed25519, PKCS8 PEM) of the audit service"
  recovery_window_in_days = var.secret_recovery_window_days
}

resource "aws_secretsmanager_secret_version" "audit_checkpoint_key" {
  secret_id                = aws_secretsmanager_secret.audit_checkpoint_key.id
  secret_string_wo         = var.audit_checkpoint_key_pem
  secret_string_wo_version = var.audit_checkpoint_key_version
}
