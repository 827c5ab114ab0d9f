# Security groups start closed (Terraform removes AWS's default allow-all egress rule); every rule
# below is one permitted flow. Only the load balancer accepts traffic from outside the VPC.

resource "aws_security_group" "alb" {
  name        = "${local.name}-alb"
  description = "Public load balancer in front of the gateway"
  vpc_id      = aws_vpc.this.id
  tags        = { Name = "${local.name}-alb" }
}

resource "aws_security_group" "service" {
  for_each    = local.services
  name        = "${local.name}-${each.key}"
  description = "ECS tasks of the ${each.key} service"
  vpc_id      = aws_vpc.this.id
  tags        = { Name = "${local.name}-${each.key}" }
}

resource "aws_security_group" "db" {
  for_each    = local.stateful
  name        = "${local.name}-${each.key}-db"
  description = "PostgreSQL of the ${each.key} service"
  vpc_id      = aws_vpc.this.id
  tags        = { Name = "${local.name}-${each.key}-db" }
}

resource "aws_security_group" "msk" {
  count       = var.enable_msk ? 1 : 0
  name        = "${local.name}-msk"
  description = "MSK brokers"
  vpc_id      = aws_vpc.this.id
  tags        = { Name = "${local.name}-msk" }
}

locals {
  listener_ports = [80, 443] # 80 only redirects to 443
  alb_ingress = {
    for pair in setproduct(var.allowed_ingress_cidrs, local.listener_ports) :
    "${pair[0]}-${pair[1]}" => { cidr = pair[0], port = pair[1] }
  }
  kafka_external = {
    for pair in setproduct(keys(local.kafka), coalesce(var.kafka_broker_cidrs, [var.vpc_cidr])) :
    "${pair[0]}-${pair[1]}" => { service = pair[0], cidr = pair[1] }
    if !var.enable_msk && var.kafka_brokers != ""
  }
}

# --- internet -> ALB -> gateway ------------------------------------------------------------------

resource "aws_vpc_security_group_ingress_rule" "alb_clients" {
  for_each          = local.alb_ingress
  security_group_id = aws_security_group.alb.id
  description       = "Clients to the load balancer"
  cidr_ipv4         = each.value.cidr
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
}

resource "aws_vpc_security_group_egress_rule" "alb_gateway" {
  security_group_id            = aws_security_group.alb.id
  description                  = "Load balancer to the gateway tasks"
  referenced_security_group_id = aws_security_group.service["gateway"].id
  ip_protocol                  = "tcp"
  from_port                    = local.services.gateway.port
  to_port                      = local.services.gateway.port
}

resource "aws_vpc_security_group_ingress_rule" "gateway_alb" {
  security_group_id            = aws_security_group.service["gateway"].id
  description                  = "Load balancer to the gateway tasks"
  referenced_security_group_id = aws_security_group.alb.id
  ip_protocol                  = "tcp"
  from_port                    = local.services.gateway.port
  to_port                      = local.services.gateway.port
}

# --- service -> service --------------------------------------------------------------------------

resource "aws_vpc_security_group_egress_rule" "call" {
  for_each                     = local.calls_by_key
  security_group_id            = aws_security_group.service[each.value.from].id
  description                  = "${each.value.from} calls ${each.value.to}"
  referenced_security_group_id = aws_security_group.service[each.value.to].id
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
}

resource "aws_vpc_security_group_ingress_rule" "call" {
  for_each                     = local.calls_by_key
  security_group_id            = aws_security_group.service[each.value.to].id
  description                  = "${each.value.from} calls ${each.value.to}"
  referenced_security_group_id = aws_security_group.service[each.value.from].id
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
}

# --- service -> its own database -----------------------------------------------------------------

resource "aws_vpc_security_group_egress_rule" "service_db" {
  for_each                     = local.stateful
  security_group_id            = aws_security_group.service[each.key].id
  description                  = "${each.key} to its database"
  referenced_security_group_id = aws_security_group.db[each.key].id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}

resource "aws_vpc_security_group_ingress_rule" "db_service" {
  for_each                     = local.stateful
  security_group_id            = aws_security_group.db[each.key].id
  description                  = "Only the ${each.key} service"
  referenced_security_group_id = aws_security_group.service[each.key].id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}

# --- services -> Kafka ---------------------------------------------------------------------------

resource "aws_vpc_security_group_egress_rule" "service_msk" {
  for_each                     = var.enable_msk ? local.kafka : {}
  security_group_id            = aws_security_group.service[each.key].id
  description                  = "${each.key} to the MSK brokers"
  referenced_security_group_id = aws_security_group.msk[0].id
  ip_protocol                  = "tcp"
  from_port                    = local.msk_scram_port
  to_port                      = local.msk_scram_port
}

resource "aws_vpc_security_group_ingress_rule" "msk_service" {
  for_each                     = var.enable_msk ? local.kafka : {}
  security_group_id            = aws_security_group.msk[0].id
  description                  = "${each.key} to the MSK brokers"
  referenced_security_group_id = aws_security_group.service[each.key].id
  ip_protocol                  = "tcp"
  from_port                    = local.msk_scram_port
  to_port                      = local.msk_scram_port
}

resource "aws_vpc_security_group_egress_rule" "service_kafka_external" {
  for_each          = local.kafka_external
  security_group_id = aws_security_group.service[each.value.service].id
  description       = "${each.value.service} to the Kafka brokers"
  cidr_ipv4         = each.value.cidr
  ip_protocol       = "tcp"
  from_port         = var.kafka_port
  to_port           = var.kafka_port
}

# --- AWS APIs and mail ---------------------------------------------------------------------------

# Image pulls (ECR), secrets (Secrets Manager) and logs (CloudWatch) leave through the NAT on 443.
resource "aws_vpc_security_group_egress_rule" "service_https" {
  for_each          = local.services
  security_group_id = aws_security_group.service[each.key].id
  description       = "AWS APIs and image registry over HTTPS"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "notification_smtp" {
  security_group_id = aws_security_group.service["notification"].id
  description       = "Mail submission"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = var.smtp_port
  to_port           = var.smtp_port
}
