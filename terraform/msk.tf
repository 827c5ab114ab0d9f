# Kafka for the patient events and the audit records. Off (enable_msk = false) for emulators that
# cannot run MSK; the services then get var.kafka_brokers. Terraform creates no topic: create
# services/catalog.json's `topics` (name, partitions, config: audit.checkpoints is kept forever) on
# the cluster before the services start, as compose.yml's kafka-init does.
#
# Clients speak TLS only and authenticate with SASL/SCRAM-SHA-512, one Kafka user per service.
# SCRAM rather than IAM: the services are plain Kafka clients (kafkajs) and call no AWS API; IAM
# authentication would bring the AWS SDK and a token signer into every service and give every task
# role permissions, while SCRAM needs only a password that ECS hands to the task as a secret.
locals {
  msk_scram_port = 9096 # MSK's SASL/SCRAM listener (TLS)

  # MSK reads SCRAM credentials only from secrets named AmazonMSK_* encrypted with a customer
  # managed key; each holds {"username","password"} and ECS hands the password to its service.
  msk_users = var.enable_msk ? local.kafka : {}
}

resource "aws_kms_key" "msk_scram" {
  count                   = var.enable_msk ? 1 : 0
  description             = "Secrets of the ${local.name} Kafka users (MSK SASL/SCRAM)"
  enable_key_rotation     = true
  deletion_window_in_days = 7
}

resource "aws_kms_alias" "msk_scram" {
  count         = var.enable_msk ? 1 : 0
  name          = "alias/${local.name}-msk-scram"
  target_key_id = aws_kms_key.msk_scram[0].key_id
}

# One password per Kafka user, written (write-only: never in the state) when kafka_password_version
# changes or the secret is new.
ephemeral "aws_secretsmanager_random_password" "kafka" {
  for_each            = local.msk_users
  password_length     = 32
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret" "kafka_scram" {
  for_each                = local.msk_users
  name                    = "AmazonMSK_${local.name}-${each.key}"
  description             = "Kafka SASL/SCRAM login of the ${each.key} service"
  kms_key_id              = aws_kms_key.msk_scram[0].key_id
  recovery_window_in_days = var.secret_recovery_window_days
}

resource "aws_secretsmanager_secret_version" "kafka_scram" {
  for_each  = local.msk_users
  secret_id = aws_secretsmanager_secret.kafka_scram[each.key].id
  secret_string_wo = jsonencode({
    username = each.key
    password = ephemeral.aws_secretsmanager_random_password.kafka[each.key].random_password
  })
  secret_string_wo_version = var.kafka_password_version
}

data "aws_iam_policy_document" "kafka_scram_secret" {
  for_each = local.msk_users

  statement {
    sid       = "AWSKafkaResourcePolicy"
    actions   = ["secretsmanager:getSecretValue"]
    resources = [aws_secretsmanager_secret.kafka_scram[each.key].arn]

    principals {
      type        = "Service"
      identifiers = ["kafka.amazonaws.com"]
    }
  }
}

resource "aws_secretsmanager_secret_policy" "kafka_scram" {
  for_each   = local.msk_users
  secret_arn = aws_secretsmanager_secret.kafka_scram[each.key].arn
  policy     = data.aws_iam_policy_document.kafka_scram_secret[each.key].json
}

resource "aws_msk_cluster" "this" {
  count                  = var.enable_msk ? 1 : 0
  cluster_name           = local.name
  kafka_version          = var.msk_kafka_version
  number_of_broker_nodes = var.az_count

  broker_node_group_info {
    instance_type   = var.msk_instance_type
    client_subnets  = aws_subnet.private[*].id
    security_groups = [aws_security_group.this["msk"].id]

    storage_info {
      ebs_storage_info {
        volume_size = var.msk_volume_size
      }
    }
  }

  # TLS between clients and brokers and between brokers; no plaintext listener.
  encryption_info {
    encryption_in_transit {
      client_broker = "TLS"
      in_cluster    = true
    }
  }

  # Only SASL/SCRAM users: no unauthenticated access, no IAM, no TLS client certificates.
  client_authentication {
    unauthenticated = false

    sasl {
      scram = true
      iam   = false
    }
  }

  logging_info {
    broker_logs {
      cloudwatch_logs {
        enabled   = true
        log_group = aws_cloudwatch_log_group.msk[0].name
      }
    }
  }

  tags = { Name = local.name }
}

resource "aws_msk_scram_secret_association" "this" {
  count           = var.enable_msk ? 1 : 0
  cluster_arn     = aws_msk_cluster.this[0].arn
  secret_arn_list = [for s in aws_secretsmanager_secret.kafka_scram : s.arn]

  depends_on = [aws_secretsmanager_secret_version.kafka_scram, aws_secretsmanager_secret_policy.kafka_scram]
}

resource "aws_cloudwatch_log_group" "msk" {
  count             = var.enable_msk ? 1 : 0
  name              = "/msk/${local.name}"
  retention_in_days = var.log_retention_days
}
