locals {
  name       = var.project
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  azs        = slice(data.aws_availability_zones.available.names, 0, var.az_count)

  # The six services and the ports fixed by the contract, as in packages/infra/services.ts (the
  # source of truth; tests/deploy_test.ts checks the deployed task definitions against it). `port`
  # is the HTTP port; billing also serves gRPC. `database`: owns an RDS instance; `kafka`: produces
  # or consumes events; `tokens`: verifies bearer tokens with auth's JWKS.
  services = {
    gateway      = { port = 4004, extra_ports = [], database = false, kafka = false, tokens = true }
    auth         = { port = 4005, extra_ports = [], database = true, kafka = false, tokens = false }
    patient      = { port = 4000, extra_ports = [], database = true, kafka = true, tokens = true }
    billing      = { port = 4001, extra_ports = [9001], database = true, kafka = false, tokens = true }
    analytics    = { port = 4002, extra_ports = [], database = true, kafka = true, tokens = true }
    notification = { port = 4003, extra_ports = [], database = true, kafka = true, tokens = true }
  }
  billing_grpc_port = 9001

  stateful = { for name, s in local.services : name => s if s.database }
  kafka    = { for name, s in local.services : name => s if s.kafka }

  # Service-to-service calls; each becomes one egress rule on the caller and one ingress rule on
  # the callee, nothing else is open between services.
  calls = concat(
    [for name in ["auth", "patient", "billing", "analytics", "notification"] :
    { from = "gateway", to = name, port = local.services[name].port }],
    [for name, s in local.services :
    { from = name, to = "auth", port = local.services.auth.port } if s.tokens && name != "gateway"],
    [{ from = "patient", to = "billing", port = local.billing_grpc_port }],
  )
  calls_by_key = { for c in local.calls : "${c.from}-${c.to}-${c.port}" => c }

  dns  = { for name, s in local.services : name => "${name}.${var.service_discovery_namespace}" }
  urls = { for name, s in local.services : name => "http://${local.dns[name]}:${s.port}" }

  kafka_brokers = var.enable_msk ? aws_msk_cluster.this[0].bootstrap_brokers : var.kafka_brokers

  image = { for name, s in local.services : name => "${var.image_registry}/${name}:${var.image_tag}" }
}
