locals {
  name       = var.project
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  azs        = slice(data.aws_availability_zones.available.names, 0, var.az_count)

  # The topology, declared once in services/catalog.json (as for `deno task dev`, the tests and
  # compose; tests/deploy_test.ts checks the deployed task definitions against it): each service's
  # ports, database, topics, calls and gateway routes. Nothing per service is written out here.
  catalog = jsondecode(file("${path.module}/../services/catalog.json"))

  # By name: `port` is the HTTP port, `grpc_port` the gRPC one (or null); `database`: owns an RDS
  # instance; `kafka`: produces or consumes events; `tokens`: verifies bearer tokens with auth's
  # JWKS; `public`: the one service behind the load balancer; `routed`: the gateway forwards to it.
  services = {
    for s in local.catalog.services : s.name => {
      port        = s.port
      grpc_port   = try(s.grpcPort, null)
      extra_ports = try([s.grpcPort], [])
      database    = try(s.database, null) != null
      kafka       = length(try(s.produces, [])) + length(try(s.consumes, [])) > 0
      tokens      = s.tokens
      public      = try(s.public, false)
      routed      = length(s.routes) > 0
      calls       = [for c in s.calls : { service = c.service, protocol = c.protocol }]
    }
  }
  gateway = one([for name, s in local.services : name if s.public])

  stateful = { for name, s in local.services : name => s if s.database }
  kafka    = { for name, s in local.services : name => s if s.kafka }

  # Service-to-service calls, as services/catalog.json implies them (as packages/topology/
  # system_env.ts wires them): the gateway forwards to each routed service, every token verifier
  # fetches auth's keys, and the declared calls (gRPC on the callee's gRPC port). Each becomes one
  # egress rule on the caller and one ingress rule on the callee, nothing else is open between them.
  calls = distinct(concat(
    [for name, s in local.services :
    { from = local.gateway, to = name, port = s.port } if s.routed && name != local.gateway],
    [for name, s in local.services :
    { from = name, to = "auth", port = local.services.auth.port } if s.tokens && name != "auth"],
    flatten([for name, s in local.services : [for c in s.calls : {
      from = name
      to   = c.service
      port = local.services[c.service][c.protocol == "grpc" ? "grpc_port" : "port"]
    }]]),
  ))
  calls_by_key = { for c in local.calls : "${c.from}-${c.to}-${c.port}" => c }

  dns  = { for name, s in local.services : name => "${name}.${var.service_discovery_namespace}" }
  urls = { for name, s in local.services : name => "http://${local.dns[name]}:${s.port}" }
  grpc_addresses = {
    for name, s in local.services : name => "${local.dns[name]}:${s.grpc_port}" if s.grpc_port != null
  }

  kafka_brokers = var.enable_msk ? aws_msk_cluster.this[0].bootstrap_brokers_sasl_scram : var.kafka_brokers

  image = { for name, s in local.services : name => "${var.image_registry}/${name}:${var.image_tag}" }
}
