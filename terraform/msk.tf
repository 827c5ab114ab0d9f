# Kafka for the patient events and the audit records. Off (enable_msk = false) for emulators that
# cannot run MSK; the services then get var.kafka_brokers. The services speak plaintext Kafka, so
# the cluster accepts TLS and plaintext from inside the VPC (its security group admits only the
# Kafka services). Terraform creates no topic: create services/catalog.json's `topics` (name,
# partitions, config: audit.checkpoints is kept forever) on the cluster before the services start,
# as compose.yml's kafka-init does.
resource "aws_msk_cluster" "this" {
  count                  = var.enable_msk ? 1 : 0
  cluster_name           = local.name
  kafka_version          = var.msk_kafka_version
  number_of_broker_nodes = var.az_count

  broker_node_group_info {
    instance_type   = var.msk_instance_type
    client_subnets  = aws_subnet.private[*].id
    security_groups = [aws_security_group.msk[0].id]

    storage_info {
      ebs_storage_info {
        volume_size = var.msk_volume_size
      }
    }
  }

  encryption_info {
    encryption_in_transit {
      client_broker = "TLS_PLAINTEXT"
      in_cluster    = true
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

resource "aws_cloudwatch_log_group" "msk" {
  count             = var.enable_msk ? 1 : 0
  name              = "/msk/${local.name}"
  retention_in_days = var.log_retention_days
}
