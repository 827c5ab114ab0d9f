output "alb_dns_name" {
  description = "DNS name of the public load balancer."
  value       = aws_lb.this.dns_name
}

output "gateway_url" {
  description = "Public URL of the API gateway (through the load balancer)."
  value       = "https://${aws_lb.this.dns_name}"
}

output "certificate_arn" {
  description = "Certificate of the HTTPS listener (given, or imported from PEM)."
  value       = local.certificate_arn
}

output "service_endpoints" {
  description = "Private endpoints of the services (Cloud Map DNS)."
  value = merge(local.urls, {
    for name, address in local.grpc_addresses : "${name}_grpc" => address
  })
}

output "database_endpoints" {
  description = "host:port of each service's PostgreSQL."
  value       = { for name, db in aws_db_instance.this : name => "${db.address}:${db.port}" }
}

output "database_url_secret_arns" {
  description = "Secrets holding each service's DATABASE_URL (its own login, least rights)."
  value       = { for name, s in aws_secretsmanager_secret.database_url : name => s.arn }
}

output "database_owner_url_secret_arns" {
  description = "Secrets holding each service's DATABASE_OWNER_URL (the database owner, for migrations)."
  value       = { for name, s in aws_secretsmanager_secret.database_owner_url : name => s.arn }
}

output "kafka_scram_secret_arns" {
  description = "Secrets (AmazonMSK_*) holding each Kafka service's SASL/SCRAM login (with MSK)."
  value       = { for name, s in aws_secretsmanager_secret.kafka_scram : name => s.arn }
}

output "jwt_private_key_secret_arn" {
  description = "Secret holding auth's JWT private key."
  value       = aws_secretsmanager_secret.key["jwt_private_key"].arn
}

output "audit_checkpoint_key_secret_arn" {
  description = "Secret holding the key audit signs its chain checkpoints with."
  value       = aws_secretsmanager_secret.key["audit_checkpoint_key"].arn
}

output "kafka_brokers" {
  description = "Bootstrap brokers the services use (with MSK: its SASL/SCRAM TLS brokers, port 9096)."
  value       = local.kafka_brokers
}

output "ecs_cluster_name" {
  description = "ECS cluster of the services."
  value       = aws_ecs_cluster.this.name
}

output "service_discovery_namespace_id" {
  description = "Cloud Map namespace id."
  value       = aws_service_discovery_private_dns_namespace.this.id
}

output "vpc_id" {
  description = "VPC of the deployment."
  value       = aws_vpc.this.id
}
