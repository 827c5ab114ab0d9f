# Security groups start closed (Terraform removes AWS's default allow-all egress rule); every rule
# below is one permitted flow. Only the load balancer accepts traffic from outside the VPC.

# Every group but the databases' (below) and the checkpoint file system's (audit_checkpoints.tf), by
# its name after "<project>-": what it guards. One `for` (not merge()), so that a service named like
# another group fails the plan with a duplicate key.
locals {
  security_groups = {
    for g in concat(
      [for name, s in local.services : { name = name, description = "ECS tasks of the ${name} service" }],
      [{ name = "alb", description = "Public load balancer in front of the gateway" }],
      var.enable_msk ? [{ name = "msk", description = "MSK brokers" }] : [],
    ) : g.name => g.description
  }
}

resource "aws_security_group" "this" {
  for_each    = local.security_groups
  name        = "${local.name}-${each.key}"
  description = each.value
  vpc_id      = aws_vpc.this.id
  tags        = { Name = "${local.name}-${each.key}" }
}

# The databases' groups stay a resource of their own: keyed by service name like the services'
# groups, they could join the table above only with a moved block per database.
resource "aws_security_group" "db" {
  for_each    = local.stateful
  name        = "${local.name}-${each.key}-db"
  description = "PostgreSQL of the ${each.key} service"
  vpc_id      = aws_vpc.this.id
  tags        = { Name = "${local.name}-${each.key}-db" }
}

# These groups were resources of their own: a deployment made then keeps them.
moved {
  from = aws_security_group.service
  to   = aws_security_group.this
}
moved {
  from = aws_security_group.alb
  to   = aws_security_group.this["alb"]
}
moved {
  from = aws_security_group.msk[0]
  to   = aws_security_group.this["msk"]
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
  security_group_id = aws_security_group.this["alb"].id
  description       = "Clients to the load balancer"
  cidr_ipv4         = each.value.cidr
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
}

resource "aws_vpc_security_group_egress_rule" "alb_gateway" {
  security_group_id            = aws_security_group.this["alb"].id
  description                  = "Load balancer to the gateway tasks"
  referenced_security_group_id = aws_security_group.this["gateway"].id
  ip_protocol                  = "tcp"
  from_port                    = local.services.gateway.port
  to_port                      = local.services.gateway.port
}

resource "aws_vpc_security_group_ingress_rule" "gateway_alb" {
  security_group_id            = aws_security_group.this["gateway"].id
  description                  = "Load balancer to the gateway tasks"
  referenced_security_group_id = aws_security_group.this["alb"].id
  ip_protocol                  = "tcp"
  from_port                    = local.services.gateway.port
  to_port                      = local.services.gateway.port
}

# --- service -> service --------------------------------------------------------------------------

resource "aws_vpc_security_group_egress_rule" "call" {
  for_each                     = local.calls_by_key
  security_group_id            = aws_security_group.this[each.value.from].id
  description                  = "${each.value.from} calls ${each.value.to}"
  referenced_security_group_id = aws_security_group.this[each.value.to].id
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
}

resource "aws_vpc_security_group_ingress_rule" "call" {
  for_each                     = local.calls_by_key
  security_group_id            = aws_security_group.this[each.value.to].id
  description                  = "${each.value.from} calls ${each.value.to}"
  referenced_security_group_id = aws_security_group.this[each.value.from].id
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
}

# --- service -> its own database -----------------------------------------------------------------

resource "aws_vpc_security_group_egress_rule" "service_db" {
  for_each                     = local.stateful
  security_group_id            = aws_security_group.this[each.key].id
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
  referenced_security_group_id = aws_security_group.this[each.key].id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}

# --- services -> Kafka ---------------------------------------------------------------------------

resource "aws_vpc_security_group_egress_rule" "service_msk" {
  for_each                     = var.enable_msk ? local.kafka : {}
  security_group_id            = aws_security_group.this[each.key].id
  description                  = "${each.key} to the MSK brokers"
  referenced_security_group_id = aws_security_group.this["msk"].id
  ip_protocol                  = "tcp"
  from_port                    = local.msk_scram_port
  to_port                      = local.msk_scram_port
}

resource "aws_vpc_security_group_ingress_rule" "msk_service" {
  for_each                     = var.enable_msk ? local.kafka : {}
  security_group_id            = aws_security_group.this["msk"].id
  description                  = "${each.key} to the MSK brokers"
  referenced_security_group_id = aws_security_group.this[each.key].id
  ip_protocol                  = "tcp"
  from_port                    = local.msk_scram_port
  to_port                      = local.msk_scram_port
}

resource "aws_vpc_security_group_egress_rule" "service_kafka_external" {
  for_each          = local.kafka_external
  security_group_id = aws_security_group.this[each.value.service].id
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
  security_group_id = aws_security_group.this[each.key].id
  description       = "AWS APIs and image registry over HTTPS"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "notification_smtp" {
  security_group_id = aws_security_group.this["notification"].id
  description       = "Mail submission"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = var.smtp_port
  to_port           = var.smtp_port
}
