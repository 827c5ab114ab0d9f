resource "aws_db_subnet_group" "this" {
  name       = local.name
  subnet_ids = aws_subnet.private[*].id
  tags       = { Name = local.name }
}

# One PostgreSQL per stateful service, reachable only from that service's tasks.
resource "aws_db_instance" "this" {
  for_each   = local.stateful
  identifier = "${local.name}-${each.key}"

  engine               = "postgres"
  engine_version       = var.db_engine_version
  instance_class       = var.db_instance_class
  allocated_storage    = var.db_allocated_storage
  storage_type         = "gp3"
  storage_encrypted    = true
  db_name              = each.key
  username             = var.db_username
  password_wo          = ephemeral.aws_secretsmanager_random_password.db[each.key].random_password
  password_wo_version  = local.db_credentials_version
  port                 = 5432
  multi_az             = var.db_multi_az
  db_subnet_group_name = aws_db_subnet_group.this.name

  vpc_security_group_ids = [aws_security_group.db[each.key].id]
  publicly_accessible    = false

  backup_retention_period    = var.db_backup_retention_days
  copy_tags_to_snapshot      = true
  auto_minor_version_upgrade = true
  deletion_protection        = var.db_deletion_protection
  skip_final_snapshot        = var.db_skip_final_snapshot
  final_snapshot_identifier  = var.db_skip_final_snapshot ? null : "${local.name}-${each.key}-final"

  tags = { Name = "${local.name}-${each.key}", Service = each.key }
}
