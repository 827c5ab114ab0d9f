# The audit service's signed checkpoints, kept where its database is not: besides the
# audit.checkpoints topic, a file (AUDIT_CHECKPOINT_FILE) on an encrypted EFS file system that
# only the audit tasks mount, through an access point of their own, over TLS. A deleted newest
# record or a rewritten chain is then caught even when the database and the broker are lost.

locals {
  audit_checkpoint_dir = "/var/lib/pms/checkpoints"
  # The user the image runs as (denoland/deno's `deno`).
  audit_checkpoint_owner = 1993
  audit_checkpoint_mounts = [{
    sourceVolume  = "audit-checkpoints"
    containerPath = local.audit_checkpoint_dir
    readOnly      = false
  }]
}

resource "aws_efs_file_system" "audit_checkpoints" {
  creation_token = "${local.name}-audit-checkpoints"
  encrypted      = true
  tags           = { Name = "${local.name}-audit-checkpoints" }
}

resource "aws_efs_access_point" "audit_checkpoints" {
  file_system_id = aws_efs_file_system.audit_checkpoints.id

  posix_user {
    uid = local.audit_checkpoint_owner
    gid = local.audit_checkpoint_owner
  }

  root_directory {
    path = "/checkpoints"
    creation_info {
      owner_uid   = local.audit_checkpoint_owner
      owner_gid   = local.audit_checkpoint_owner
      permissions = "0750"
    }
  }

  tags = { Name = "${local.name}-audit-checkpoints" }
}

resource "aws_security_group" "audit_checkpoints" {
  name        = "${local.name}-audit-checkpoints"
  description = "EFS of the audit service's checkpoints"
  vpc_id      = aws_vpc.this.id
  tags        = { Name = "${local.name}-audit-checkpoints" }
}

resource "aws_efs_mount_target" "audit_checkpoints" {
  count           = var.az_count
  file_system_id  = aws_efs_file_system.audit_checkpoints.id
  subnet_id       = aws_subnet.private[count.index].id
  security_groups = [aws_security_group.audit_checkpoints.id]
}

resource "aws_vpc_security_group_egress_rule" "audit_checkpoints" {
  security_group_id            = aws_security_group.this["audit"].id
  description                  = "audit to its checkpoint file system (NFS)"
  referenced_security_group_id = aws_security_group.audit_checkpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 2049
  to_port                      = 2049
}

resource "aws_vpc_security_group_ingress_rule" "audit_checkpoints" {
  security_group_id            = aws_security_group.audit_checkpoints.id
  description                  = "Only the audit service"
  referenced_security_group_id = aws_security_group.this["audit"].id
  ip_protocol                  = "tcp"
  from_port                    = 2049
  to_port                      = 2049
}

# The audit tasks may mount and write the file system, through its access point only.
data "aws_iam_policy_document" "audit_checkpoints" {
  statement {
    actions   = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
    resources = [aws_efs_file_system.audit_checkpoints.arn]
    condition {
      test     = "StringEquals"
      variable = "elasticfilesystem:AccessPointArn"
      values   = [aws_efs_access_point.audit_checkpoints.arn]
    }
  }
}

resource "aws_iam_role_policy" "audit_checkpoints" {
  name   = "audit-checkpoints"
  role   = aws_iam_role.task["audit"].id
  policy = data.aws_iam_policy_document.audit_checkpoints.json
}
