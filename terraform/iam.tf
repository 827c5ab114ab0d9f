# Per service: an execution role (used by ECS to pull the image, write the log stream and read
# exactly that service's secrets) and a task role (used by the application, which calls no AWS
# API, so it has no permissions at all).

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

locals {
  # Secrets each service's task definition references (see ecs.tf).
  service_secret_arns = {
    for name, s in local.services : name => compact(concat(
      s.database ? [aws_secretsmanager_secret.database_url[name].arn] : [],
      s.database ? [aws_secretsmanager_secret.database_owner_url[name].arn] : [],
      contains(keys(local.msk_users), name) ? [aws_secretsmanager_secret.kafka_scram[name].arn] : [],
      [for key, k in local.key_secrets : aws_secretsmanager_secret.key[key].arn if k.service == name],
      name == "notification" ? [var.smtp_url_secret_arn] : [],
    ))
  }
}

resource "aws_iam_role" "execution" {
  for_each           = local.services
  name               = "${local.name}-${each.key}-execution"
  description        = "ECS agent for the ${each.key} tasks: image, logs, its secrets"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "execution" {
  for_each = local.services

  statement {
    sid       = "EcrLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"] # this action has no resource-level permissions
  }

  statement {
    sid = "PullImage"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
    ]
    resources = [
      "arn:${local.partition}:ecr:${var.aws_region}:${local.account_id}:repository/${var.ecr_repository_prefix}/${each.key}",
    ]
  }

  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.service[each.key].arn}:log-stream:*"]
  }

  dynamic "statement" {
    for_each = length(local.service_secret_arns[each.key]) > 0 ? [1] : []

    content {
      sid       = "ReadOwnSecrets"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = local.service_secret_arns[each.key]
    }
  }

  # The Kafka login's secret is encrypted with MSK's customer managed key (MSK requires one).
  dynamic "statement" {
    for_each = contains(keys(local.msk_users), each.key) ? [1] : []

    content {
      sid       = "DecryptKafkaSecret"
      actions   = ["kms:Decrypt"]
      resources = [aws_kms_key.msk_scram[0].arn]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${var.aws_region}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role_policy" "execution" {
  for_each = local.services
  name     = "execution"
  role     = aws_iam_role.execution[each.key].id
  policy   = data.aws_iam_policy_document.execution[each.key].json
}

resource "aws_iam_role" "task" {
  for_each           = local.services
  name               = "${local.name}-${each.key}-task"
  description        = "Application role of the ${each.key} tasks (no AWS permissions needed)"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}
