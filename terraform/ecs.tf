resource "aws_ecs_cluster" "this" {
  name = local.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_service_discovery_private_dns_namespace" "this" {
  name        = var.service_discovery_namespace
  description = "Service discovery of the ${local.name} services"
  vpc         = aws_vpc.this.id
}

# <name>.<namespace> resolves to the service's running tasks (A records, awsvpc networking).
resource "aws_service_discovery_service" "this" {
  for_each = local.services
  name     = each.key

  dns_config {
    namespace_id   = aws_service_discovery_private_dns_namespace.this.id
    routing_policy = "MULTIVALUE"

    dns_records {
      type = "A"
      ttl  = 10
    }
  }

  health_check_custom_config {
    failure_threshold = 1
  }
}

resource "aws_cloudwatch_log_group" "service" {
  for_each          = local.services
  name              = "/ecs/${each.key}"
  retention_in_days = var.log_retention_days
}

locals {
  jwks_url = "${local.urls.auth}/.well-known/jwks.json"
  token_env = {
    AUTH_JWKS_URL = local.jwks_url
    JWT_ISSUER    = var.jwt_issuer
    JWT_AUDIENCE  = var.jwt_audience
  }

  # Settings of single services that are not topology (their names and values are theirs).
  fhir_base_url = "${var.public_base_url != "" ? var.public_base_url : "https://${aws_lb.this.dns_name}"}/fhir/R4"
  service_settings = {
    auth = {
      JWT_KEY_ID      = "${local.name}-${var.jwt_key_version}"
      JWT_ISSUER      = var.jwt_issuer
      JWT_AUDIENCE    = var.jwt_audience
      JWT_TTL_SECONDS = tostring(var.jwt_ttl_seconds)
    }
    notification = merge(
      { SMTP_FROM = var.smtp_from },
      var.security_alert_email != "" ? { SECURITY_ALERT_EMAIL = var.security_alert_email } : {},
    )
    # The FHIR servers name their resources by the address clients use, not localhost.
    patient    = { FHIR_BASE_URL = local.fhir_base_url }
    scheduling = { FHIR_BASE_URL = local.fhir_base_url }
    clinical   = { FHIR_BASE_URL = local.fhir_base_url }
    audit = merge(
      {
        AUDIT_RETENTION_DAYS  = tostring(var.audit_retention_days)
        AUDIT_CHECKPOINT_FILE = "${local.audit_checkpoint_dir}/checkpoints.jsonl"
      },
      var.audit_checkpoint_public_keys != "" ? { AUDIT_CHECKPOINT_PUBLIC_KEYS = var.audit_checkpoint_public_keys } : {},
    )
    # The load balancer appends one X-Forwarded-For entry: the client is the last one.
    (local.gateway) = {
      TRUSTED_PROXY_HOPS = "1"
    }
  }

  # How a Kafka service reaches the brokers: MSK speaks TLS only and knows each service as a
  # SASL/SCRAM user of its own (password as a secret, below); other brokers as var.kafka_ssl says.
  kafka_client_env = {
    for name, s in local.kafka : name => merge(
      { KAFKA_BROKERS = local.kafka_brokers },
      var.enable_msk ? {
        KAFKA_SSL            = "true"
        KAFKA_SASL_MECHANISM = "scram-sha-512"
        KAFKA_SASL_USERNAME  = name
      } : { KAFKA_SSL = tostring(var.kafka_ssl) },
    )
  }

  # Plain environment per service (secrets are below), derived from services/catalog.json as
  # packages/topology/system_env.ts derives it for dev and the tests: `tokens` gives AUTH_JWKS_URL
  # (with the issuer and audience), the public service gets <NAME>_URL of every routed service, a
  # declared call <NAME>_GRPC_ADDRESS (gRPC) or <NAME>_URL (HTTP), a gRPC port GRPC_PORT, events
  # KAFKA_BROKERS. Every service listens on all interfaces inside its task; its security group
  # decides who may connect.
  service_env = {
    for name, s in local.services : name => merge(
      s.tokens ? local.token_env : {},
      s.public ? {
        for upstream, u in local.services : "${upper(upstream)}_URL" => local.urls[upstream] if u.routed
      } : {},
      { for c in s.calls : "${upper(c.service)}_${c.protocol == "grpc" ? "GRPC_ADDRESS" : "URL"}" => (
        c.protocol == "grpc" ? local.grpc_addresses[c.service] : local.urls[c.service]
      ) },
      s.grpc_port != null ? { GRPC_HOST = "0.0.0.0", GRPC_PORT = tostring(s.grpc_port) } : {},
      try(local.kafka_client_env[name], {}),
      try(local.service_settings[name], {}),
    )
  }

  # Secrets per container (ECS hands each container only its own): the long-running service gets
  # its own database login (DATABASE_URL) and never the owner's, except audit while it prunes
  # records (audit_retention_days > 0: pruning runs as the owner); `migrate` gets both URLs.
  owner_url = {
    for name, s in local.stateful : name => {
      name = "DATABASE_OWNER_URL", valueFrom = aws_secretsmanager_secret.database_owner_url[name].arn
    }
  }
  service_secrets = {
    for name, s in local.services : name => concat(
      s.database ? [{ name = "DATABASE_URL", valueFrom = aws_secretsmanager_secret.database_url[name].arn }] : [],
      name == "audit" && var.audit_retention_days > 0 ? [local.owner_url[name]] : [],
      [for key, k in local.key_secrets : { name = k.env, valueFrom = aws_secretsmanager_secret.key[key].arn } if k.service == name],
      name == "notification" && var.smtp_url_secret_arn != "" ? [{ name = "SMTP_URL", valueFrom = var.smtp_url_secret_arn }] : [],
      contains(keys(local.msk_users), name) ? [{
        name      = "KAFKA_SASL_PASSWORD"
        valueFrom = "${aws_secretsmanager_secret.kafka_scram[name].arn}:password::"
      }] : [],
    )
  }
  migrate_secrets = {
    for name, s in local.stateful : name => [
      local.owner_url[name],
      { name = "DATABASE_URL", valueFrom = aws_secretsmanager_secret.database_url[name].arn },
    ]
  }

  environment = {
    for name, s in local.services : name => merge(local.service_env[name], {
      PORT      = tostring(s.port)
      HOST      = "0.0.0.0"
      APP_ENV   = var.app_env
      LOG_LEVEL = var.log_level
    })
  }
  log_configuration = {
    for name, s in local.services : name => {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.service[name].name
        awslogs-region        = var.aws_region
        awslogs-stream-prefix = name
      }
    }
  }

  # A service with a database first runs `migrate`: the same image with MIGRATE_ONLY=true, as the
  # owner (migrations; creates the service login if missing and grants it the service's rights),
  # then exits. The service container starts only once it exited 0. It talks to no other service
  # and to no broker, so it gets the service's settings without the Kafka ones.
  migrate_container = {
    for name, s in local.stateful : name => {
      name      = "migrate"
      image     = local.image[name]
      essential = false
      environment = [
        for k, v in merge(local.environment[name], { MIGRATE_ONLY = "true" }) : { name = k, value = v }
        if !startswith(k, "KAFKA_")
      ]
      secrets          = local.migrate_secrets[name]
      logConfiguration = local.log_configuration[name]
    }
  }
}

resource "aws_ecs_task_definition" "this" {
  for_each                 = local.services
  family                   = "${local.name}-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.task_cpu
  memory                   = var.task_memory
  execution_role_arn       = aws_iam_role.execution[each.key].arn
  task_role_arn            = aws_iam_role.task[each.key].arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  # The audit service's checkpoint file system (audit_checkpoints.tf).
  dynamic "volume" {
    for_each = each.key == "audit" ? [1] : []
    content {
      name = "audit-checkpoints"
      efs_volume_configuration {
        file_system_id     = aws_efs_file_system.audit_checkpoints.id
        transit_encryption = "ENABLED"
        authorization_config {
          access_point_id = aws_efs_access_point.audit_checkpoints.id
          iam             = "ENABLED"
        }
      }
    }
  }

  container_definitions = jsonencode(concat(
    each.value.database ? [local.migrate_container[each.key]] : [],
    [merge({
      name      = each.key
      image     = local.image[each.key]
      essential = true
      portMappings = [
        for port in concat([each.value.port], each.value.extra_ports) : {
          containerPort = port
          hostPort      = port
          protocol      = "tcp"
        }
      ]
      environment = [for k, v in local.environment[each.key] : { name = k, value = v }]
      secrets     = local.service_secrets[each.key]
      # The same probe as compose.yml (the image's HEALTHCHECK asks the same): the service's own /health.
      healthCheck = {
        command     = ["CMD", "deno", "eval", "const r = await fetch('http://127.0.0.1:' + Deno.env.get('PORT') + '/health'); Deno.exit(r.ok ? 0 : 1)"]
        interval    = 10
        timeout     = 5
        retries     = 3
        startPeriod = 30
      }
      logConfiguration = local.log_configuration[each.key]
      },
      # The service starts once its migrations ran (the owner's work) and `migrate` exited 0.
      each.value.database ? { dependsOn = [{ containerName = "migrate", condition = "SUCCESS" }] } : {},
      # The audit service writes its checkpoints to a file system of its own (audit_checkpoints.tf).
      each.key == "audit" ? { mountPoints = local.audit_checkpoint_mounts } : {},
    )],
  ))
}

resource "aws_ecs_service" "this" {
  for_each               = local.services
  name                   = each.key
  cluster                = aws_ecs_cluster.this.id
  task_definition        = aws_ecs_task_definition.this[each.key].arn
  desired_count          = var.service_desired_count
  launch_type            = "FARGATE"
  enable_execute_command = false
  propagate_tags         = "SERVICE"

  # Tasks are not waited for: apply returns once the services exist (ECS rolls them out).
  wait_for_steady_state = false

  network_configuration {
    subnets          = aws_subnet.private[*].id
    security_groups  = [aws_security_group.this[each.key].id]
    assign_public_ip = false
  }

  service_registries {
    registry_arn = aws_service_discovery_service.this[each.key].arn
  }

  dynamic "load_balancer" {
    for_each = each.key == "gateway" ? [1] : []
    content {
      target_group_arn = aws_lb_target_group.gateway.arn
      container_name   = each.key
      container_port   = each.value.port
    }
  }

  health_check_grace_period_seconds = each.key == "gateway" ? 30 : null

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  depends_on = [aws_lb_listener.http, aws_iam_role_policy.execution]
}
