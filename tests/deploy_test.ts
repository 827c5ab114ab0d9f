// deno-lint-ignore-file no-console
/**
 * The AWS deployment (terraform/), proven with the tools this machine has: the real Terraform with
 * the offline provider mirror, the real `tflocal` (terraform-local), and moto's server as the
 * LocalStack-compatible API (scripts/localstack/moto_server.py), on a free loopback port so runs
 * never collide. The real scripts run: deploy.sh (tflocal init + apply, with the self-signed
 * certificate scripts/localstack/env.sh makes for the HTTPS listener), then the AWS SDK checks what
 * exists, each part in its own step (the catalog's services, HTTPS only at the load balancer, one
 * database login per service with the owner's only in the `migrate` init container, Kafka over TLS
 * and the gateway's proxy hop), plan.sh -detailed-exitcode must find nothing to change, a plan with
 * MSK on is read as JSON (TLS in transit, SASL/SCRAM only: moto cannot run MSK), and destroy.sh
 * must leave nothing. Terraform works on a copy of terraform/ (and of services/catalog.json,
 * which it reads) in a temporary directory (its state, lock file, tflocal's override file and the
 * certificate go there), which is removed at the end with moto. What must exist is taken from services/catalog.json too: the
 * services, their ports, databases, Kafka use and wiring. The helpers (running the tools,
 * Terraform, moto, the AWS SDK clients) are in tests/deploy/.
 *
 * Known moto gaps, handled in the open: RDS instances share one resource id and CreateService /
 * security group rules forget some settings (the launcher patches moto); MSK never becomes active
 * (TF_VAR_enable_msk=false, MSK is planned only); ECS tasks never run (the services do not wait
 * for a steady state, and the `migrate` containers are checked as declared, not as run);
 * AWS-managed IAM policies need MOTO_IAM_LOAD_MANAGED_POLICIES=true (the launcher sets it).
 *
 * Without Terraform the tests are ignored, saying so.
 */
import assert from "node:assert/strict";
import {
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListServicesCommand,
  type Service,
} from "@aws-sdk/client-ecs";
import { DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import {
  DescribeListenersCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  ListNamespacesCommand,
  ListServicesCommand as ListDiscoveryServicesCommand,
} from "@aws-sdk/client-servicediscovery";
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
} from "@aws-sdk/client-secrets-manager";
import { type ServiceTopology, usesKafka } from "@pms/topology";
import { catalog } from "../services/catalog.ts";
import {
  type Clients,
  clients,
  describeContainer,
  env,
  NAMESPACE,
  PROJECT,
  REGION,
} from "./deploy/aws.ts";
import { type Moto, startMoto } from "./deploy/moto.ts";
import { mustSucceed, ROOT, run } from "./deploy/run.ts";
import { copyTerraform, TERRAFORM, tfCliConfig, treeState } from "./deploy/terraform.ts";

const SERVICES = catalog.services;
const stateful = SERVICES.filter((s) => s.database);
const port = (name: string) => SERVICES.find((s) => s.name === name)!.port;
const billingGrpcPort = SERVICES.find((s) => s.name === "billing")!.grpcPort;

/** The secrets the task definitions may reference, by `<service>/<variable>`. */
async function secretArns(aws: Clients): Promise<Record<string, string>> {
  const secretArn: Record<string, string> = {};
  for (const spec of stateful) {
    const secret = await aws.sm.send(
      new DescribeSecretCommand({ SecretId: `${PROJECT}/${spec.name}/database-url` }),
    );
    secretArn[`${spec.name}/DATABASE_URL`] = secret.ARN!;
  }
  const jwtSecret = await aws.sm.send(
    new DescribeSecretCommand({ SecretId: `${PROJECT}/auth/jwt-private-key` }),
  );
  secretArn["auth/JWT_PRIVATE_KEY"] = jwtSecret.ARN!;
  const mfaSecret = await aws.sm.send(
    new DescribeSecretCommand({ SecretId: `${PROJECT}/auth/mfa-encryption-key` }),
  );
  secretArn["auth/MFA_ENCRYPTION_KEY"] = mfaSecret.ARN!;
  const checkpointSecret = await aws.sm.send(
    new DescribeSecretCommand({ SecretId: `${PROJECT}/audit/checkpoint-key` }),
  );
  secretArn["audit/AUDIT_CHECKPOINT_KEY"] = checkpointSecret.ARN!;
  return secretArn;
}

/** Everything the deployment must have created, checked through the AWS APIs. */
async function assertDeployed(aws: Clients): Promise<void> {
  const { clusters } = await aws.ecs.send(new DescribeClustersCommand({ clusters: [PROJECT] }));
  assert.equal(clusters?.length, 1);
  assert.equal(clusters[0]!.status, "ACTIVE");

  const listed = await aws.ecs.send(new ListServicesCommand({ cluster: PROJECT, maxResults: 100 }));
  const serviceNames = (listed.serviceArns ?? []).map((arn) => arn.split("/").at(-1)).sort();
  assert.deepEqual(serviceNames, SERVICES.map((s) => s.name).sort());
  const { services } = await aws.ecs.send(
    new DescribeServicesCommand({ cluster: PROJECT, services: SERVICES.map((s) => s.name) }),
  );
  assert.equal(services?.length, SERVICES.length);

  const secretArn = await secretArns(aws);
  for (const spec of SERVICES) {
    const service = services.find((s) => s.serviceName === spec.name);
    assert.ok(service, spec.name);
    await assertService(aws, spec, service, secretArn);
  }
  const patient = await describeContainer(aws, "patient");
  assert.equal(
    env(patient.environment).BILLING_GRPC_ADDRESS,
    `billing.${NAMESPACE}:${billingGrpcPort}`,
  );
  const billing = await describeContainer(aws, "billing");
  assert.equal(env(billing.environment).GRPC_HOST, "0.0.0.0");
  assert.equal(env(billing.environment).GRPC_PORT, String(billingGrpcPort));
  // audit's one setting that is not topology: records kept forever unless told otherwise.
  const audit = env((await describeContainer(aws, "audit")).environment);
  assert.equal(audit.AUDIT_RETENTION_DAYS, "0");
  const gateway = env((await describeContainer(aws, "gateway")).environment);
  for (const spec of SERVICES.filter((s) => s.name !== "gateway")) {
    assert.equal(
      gateway[`${spec.name.toUpperCase()}_URL`],
      `http://${spec.name}.${NAMESPACE}:${spec.port}`,
    );
  }

  // One PostgreSQL per stateful service, private, encrypted, each with its own resource id.
  const { DBInstances: dbs = [] } = await aws.rds.send(new DescribeDBInstancesCommand({}));
  assert.deepEqual(
    dbs.map((db) => db.DBInstanceIdentifier).sort(),
    stateful.map((s) => `${PROJECT}-${s.name}`).sort(),
  );
  for (const db of dbs) {
    assert.equal(db.Engine, "postgres");
    assert.equal(db.PubliclyAccessible, false);
    assert.equal(db.StorageEncrypted, true);
    assert.equal(`${PROJECT}-${db.DBName}`, db.DBInstanceIdentifier);
  }
  assert.equal(new Set(dbs.map((db) => db.DbiResourceId)).size, dbs.length);

  // Each DATABASE_URL secret points at its own instance, with a generated password.
  for (const spec of stateful) {
    const { SecretString } = await aws.sm.send(
      new GetSecretValueCommand({ SecretId: secretArn[`${spec.name}/DATABASE_URL`] }),
    );
    const url = new URL(SecretString!);
    const db = dbs.find((d) => d.DBName === spec.database)!;
    assert.equal(url.hostname, db.Endpoint?.Address, spec.name);
    assert.equal(url.pathname, `/${spec.database}`);
    assert.ok(url.password.length >= 32, `${spec.name}: a generated password`);
    assert.equal(url.searchParams.get("sslmode"), "require");
  }
  const { SecretString: pem } = await aws.sm.send(
    new GetSecretValueCommand({ SecretId: secretArn["auth/JWT_PRIVATE_KEY"] }),
  );
  assert.match(pem!, /^-----BEGIN PRIVATE KEY-----\n/);
  const { SecretString: checkpointPem } = await aws.sm.send(
    new GetSecretValueCommand({ SecretId: secretArn["audit/AUDIT_CHECKPOINT_KEY"] }),
  );
  assert.match(checkpointPem!, /^-----BEGIN PRIVATE KEY-----\n/);
  assert.notEqual(checkpointPem, pem, "audit's checkpoint key is not auth's");

  // The public load balancer.
  const { LoadBalancers: lbs = [] } = await aws.elb.send(
    new DescribeLoadBalancersCommand({ Names: [PROJECT] }),
  );
  assert.equal(lbs.length, 1);
  assert.equal(lbs[0]!.Scheme, "internet-facing");
  // It lets idle connections go before the gateway does (IDLE_TIMEOUT_MS, 60 s).
  const { Attributes: lbAttributes = [] } = await aws.elb.send(
    new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: lbs[0]!.LoadBalancerArn }),
  );
  const idle = lbAttributes.find((a) => a.Key === "idle_timeout.timeout_seconds")?.Value;
  assert.ok(Number(idle) < 60, `idle timeout ${idle} s`);

  // The Cloud Map namespace and one discovery service per service.
  const { Namespaces: namespaces = [] } = await aws.sd.send(new ListNamespacesCommand({}));
  const namespace = namespaces.find((n) => n.Name === NAMESPACE);
  assert.equal(namespace?.Type, "DNS_PRIVATE");
  const { Services: discovery = [] } = await aws.sd.send(new ListDiscoveryServicesCommand({}));
  assert.deepEqual(discovery.map((s) => s.Name).sort(), SERVICES.map((s) => s.name).sort());
}

/** One ECS service and its task definition: Fargate, private, its ports, environment, secrets. */
async function assertService(
  aws: Clients,
  spec: ServiceTopology,
  service: Service,
  secretArn: Record<string, string>,
): Promise<void> {
  assert.equal(service.launchType, "FARGATE", spec.name);
  assert.equal(service.desiredCount, 1, spec.name);
  const vpc = service.networkConfiguration?.awsvpcConfiguration;
  assert.equal(vpc?.assignPublicIp, "DISABLED", spec.name);
  assert.equal(vpc?.subnets?.length, 2, `${spec.name}: tasks spread over 2 private subnets`);
  assert.equal(service.serviceRegistries?.length, 1, `${spec.name}: Cloud Map registration`);
  assert.deepEqual(
    (service.loadBalancers ?? []).map((lb) => [lb.containerName, lb.containerPort]),
    spec.name === "gateway" ? [["gateway", port("gateway")]] : [],
    `${spec.name}: only the gateway is behind the load balancer`,
  );

  const { taskDefinition: td } = await aws.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: service.taskDefinition }),
  );
  assert.ok(td, spec.name);
  assert.equal(td.family, `${PROJECT}-${spec.name}`);
  assert.deepEqual(td.requiresCompatibilities, ["FARGATE"]);
  assert.equal(td.networkMode, "awsvpc");
  assert.ok(td.executionRoleArn && td.taskRoleArn, `${spec.name}: execution and task roles`);
  assert.notEqual(td.executionRoleArn, td.taskRoleArn);
  const container = td.containerDefinitions?.find((c) => c.name === spec.name);
  assert.ok(container, `${spec.name}: a container named as the service`);
  assert.equal(container.essential, true, spec.name);
  assert.deepEqual(
    container.portMappings?.map((p) => p.containerPort),
    [spec.port, ...(spec.grpcPort ? [spec.grpcPort] : [])],
    `${spec.name}: container ports of services/catalog.json`,
  );
  assert.equal(container.logConfiguration?.logDriver, "awslogs");
  assert.equal(container.logConfiguration?.options?.["awslogs-group"], `/ecs/${spec.name}`);
  assert.ok(container.healthCheck?.command?.join(" ").includes("/health"), spec.name);

  const vars = env(container.environment);
  assert.equal(vars.PORT, String(spec.port), spec.name);
  assert.equal(vars.HOST, "0.0.0.0", spec.name);
  assert.equal(vars.APP_ENV, "production", spec.name);
  assert.ok(vars.LOG_LEVEL, spec.name);
  if (spec.name !== "auth") {
    assert.equal(
      vars.AUTH_JWKS_URL,
      `http://auth.${NAMESPACE}:${port("auth")}/.well-known/jwks.json`,
    );
    assert.ok(vars.JWT_ISSUER && vars.JWT_AUDIENCE, spec.name);
  }
  if (usesKafka(spec)) assert.ok("KAFKA_BROKERS" in vars, `${spec.name}: KAFKA_BROKERS`);
  else assert.ok(!Object.keys(vars).some((k) => k.startsWith("KAFKA_")), spec.name);
  // No secret in plain environment.
  for (const name of Object.keys(vars)) {
    assert.doesNotMatch(name, /PASSWORD|PRIVATE_KEY|DATABASE_URL|SECRET/, spec.name);
  }

  // The long-running process holds its own database login, never the owner's (audit would only
  // with audit_retention_days > 0, which the deployment leaves at 0).
  const secrets = Object.fromEntries(
    (container.secrets ?? []).map((s) => [s.name, s.valueFrom]),
  );
  const expected: Record<string, string> = {};
  if (spec.database) expected.DATABASE_URL = secretArn[`${spec.name}/DATABASE_URL`]!;
  if (spec.name === "auth") {
    expected.JWT_PRIVATE_KEY = secretArn["auth/JWT_PRIVATE_KEY"]!;
    expected.MFA_ENCRYPTION_KEY = secretArn["auth/MFA_ENCRYPTION_KEY"]!;
  }
  if (spec.name === "audit") {
    expected.AUDIT_CHECKPOINT_KEY = secretArn["audit/AUDIT_CHECKPOINT_KEY"]!;
  }
  assert.deepEqual(secrets, expected, `${spec.name}: its own secrets and no others`);
}

/**
 * The public load balancer serves HTTPS only: HTTP 80 answers a permanent redirect to HTTPS and
 * forwards nothing; HTTPS 443 (TLS 1.3/1.2 policy, the deployment's certificate) forwards to the
 * gateway's target group on its port; the gateway URL is https.
 */
async function assertHttpsOnly(
  aws: Clients,
  gatewayUrl: string,
  certificateArn: string | undefined,
): Promise<void> {
  assert.match(gatewayUrl, /^https:\/\/\S+$/, "deploy.sh prints the https gateway URL");
  assert.match(certificateArn ?? "", /^arn:aws:acm:/, "the certificate_arn output");
  const { LoadBalancers: lbs = [] } = await aws.elb.send(
    new DescribeLoadBalancersCommand({ Names: [PROJECT] }),
  );
  const { Listeners: listeners = [] } = await aws.elb.send(
    new DescribeListenersCommand({ LoadBalancerArn: lbs[0]!.LoadBalancerArn }),
  );
  assert.deepEqual(
    listeners.map((l) => [l.Port, l.Protocol]).sort(),
    [[443, "HTTPS"], [80, "HTTP"]],
  );
  const http = listeners.find((l) => l.Port === 80)!;
  assert.deepEqual(
    http.DefaultActions?.map((a) => [a.Type, a.TargetGroupArn]),
    [["redirect", undefined]],
    "HTTP only redirects",
  );
  const redirect = http.DefaultActions![0]!.RedirectConfig;
  assert.equal(redirect?.Protocol, "HTTPS");
  assert.equal(redirect?.Port, "443");
  assert.equal(redirect?.StatusCode, "HTTP_301");
  const https = listeners.find((l) => l.Port === 443)!;
  assert.equal(https.SslPolicy, "ELBSecurityPolicy-TLS13-1-2-2021-06");
  assert.deepEqual(https.Certificates?.map((c) => c.CertificateArn), [certificateArn]);
  assert.equal(https.DefaultActions?.length, 1);
  const forward = https.DefaultActions![0]!;
  assert.equal(forward.Type, "forward");
  const { TargetGroups: groups = [] } = await aws.elb.send(
    new DescribeTargetGroupsCommand({ TargetGroupArns: [forward.TargetGroupArn!] }),
  );
  assert.equal(groups[0]?.Port, port("gateway"));
  assert.equal(groups[0]?.TargetType, "ip");
  assert.equal(groups[0]?.HealthCheckPath, "/health");
}

/**
 * One database login per service: the owner (RDS's master user) migrates, in a `migrate` init
 * container (same image, not essential, MIGRATE_ONLY=true) that alone holds DATABASE_OWNER_URL
 * beside the service login's DATABASE_URL; the service container starts once it exited 0 and holds
 * only DATABASE_URL, its own login `<service>_app` with a password of its own.
 */
async function assertDatabaseLogins(aws: Clients): Promise<void> {
  const { DBInstances: dbs = [] } = await aws.rds.send(new DescribeDBInstancesCommand({}));
  for (const spec of stateful) {
    const arn: Record<string, string> = {};
    const url: Record<string, URL> = {};
    const secretNames = [["DATABASE_URL", "url"], ["DATABASE_OWNER_URL", "owner-url"]] as const;
    for (const [variable, name] of secretNames) {
      const secretId = `${PROJECT}/${spec.name}/database-${name}`;
      arn[variable] = (await aws.sm.send(new DescribeSecretCommand({ SecretId: secretId }))).ARN!;
      const { SecretString } = await aws.sm.send(new GetSecretValueCommand({ SecretId: secretId }));
      url[variable] = new URL(SecretString!);
    }
    const db = dbs.find((d) => d.DBName === spec.database)!;
    const owner = url.DATABASE_OWNER_URL!;
    const own = url.DATABASE_URL!;
    assert.equal(owner.username, db.MasterUsername, spec.name);
    assert.equal(owner.hostname, db.Endpoint?.Address, spec.name);
    assert.equal(owner.pathname, `/${spec.database}`);
    assert.equal(owner.searchParams.get("sslmode"), "require");
    assert.ok(owner.password.length >= 32, `${spec.name}: a generated owner password`);
    assert.equal(own.username, `${spec.name}_app`, spec.name);
    assert.notEqual(own.password, owner.password, spec.name);

    const { taskDefinition: td } = await aws.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: `${PROJECT}-${spec.name}` }),
    );
    assert.deepEqual(td?.containerDefinitions?.map((c) => c.name), ["migrate", spec.name]);
    const container = td.containerDefinitions.find((c) => c.name === spec.name)!;
    const migrate = td.containerDefinitions.find((c) => c.name === "migrate")!;
    assert.deepEqual(
      container.dependsOn?.map((d) => [d.containerName, d.condition]),
      [["migrate", "SUCCESS"]],
      `${spec.name}: starts once its migrations ran`,
    );
    assert.deepEqual(
      (container.secrets ?? []).filter((s) => s.name?.startsWith("DATABASE_")),
      [{ name: "DATABASE_URL", valueFrom: arn.DATABASE_URL }],
      `${spec.name}: the service holds only its own login`,
    );
    assert.equal(migrate.image, container.image, spec.name);
    assert.equal(migrate.essential, false, spec.name);
    assert.deepEqual(migrate.portMappings ?? [], [], spec.name);
    const migrateVars = env(migrate.environment);
    assert.equal(migrateVars.MIGRATE_ONLY, "true", spec.name);
    assert.equal(migrateVars.APP_ENV, "production", spec.name);
    assert.ok(!Object.keys(migrateVars).some((k) => k.startsWith("KAFKA_")), spec.name);
    assert.deepEqual(
      Object.fromEntries((migrate.secrets ?? []).map((s) => [s.name, s.valueFrom])),
      { DATABASE_OWNER_URL: arn.DATABASE_OWNER_URL, DATABASE_URL: arn.DATABASE_URL },
      `${spec.name}: migrate holds the owner's URL and the service login's, nothing else`,
    );
    assert.equal(migrate.logConfiguration?.options?.["awslogs-group"], `/ecs/${spec.name}`);
  }
  for (const spec of SERVICES.filter((s) => !s.database)) {
    const { taskDefinition: td } = await aws.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: `${PROJECT}-${spec.name}` }),
    );
    assert.deepEqual(td?.containerDefinitions?.map((c) => c.name), [spec.name]);
  }
}

/** Kafka over TLS for every Kafka service. */
async function assertKafkaTls(aws: Clients): Promise<void> {
  for (const spec of SERVICES.filter(usesKafka)) {
    const vars = env((await describeContainer(aws, spec.name)).environment);
    assert.equal(vars.KAFKA_SSL, "true", `${spec.name}: Kafka over TLS`);
  }
}

/**
 * The load balancer adds one X-Forwarded-For entry: the gateway, and it alone (the others are
 * reached only from inside), takes the client address from it.
 */
async function assertTrustedProxyHops(aws: Clients): Promise<void> {
  for (const spec of SERVICES) {
    const vars = env((await describeContainer(aws, spec.name)).environment);
    assert.equal(vars.TRUSTED_PROXY_HOPS, spec.public ? "1" : undefined, spec.name);
  }
}

/** The FHIR servers name their resources by the load balancer's HTTPS address, not localhost. */
async function assertFhirBase(aws: Clients): Promise<void> {
  for (const name of ["patient", "scheduling", "clinical"]) {
    const vars = env((await describeContainer(aws, name)).environment);
    assert.match(vars.FHIR_BASE_URL ?? "", /^https:\/\/[^/]+\/fhir\/R4$/, name);
    assert.ok(!vars.FHIR_BASE_URL!.includes("localhost"), `${name}: ${vars.FHIR_BASE_URL}`);
  }
}

/**
 * The audit service writes its signed checkpoints outside its database: a file on a file system
 * only its task mounts, through an access point, encrypted in transit.
 */
async function assertCheckpointFile(aws: Clients): Promise<void> {
  const { taskDefinition } = await aws.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: `${PROJECT}-audit` }),
  );
  const [volume] = taskDefinition!.volumes ?? [];
  const efs = volume?.efsVolumeConfiguration;
  assert.ok(efs?.fileSystemId, JSON.stringify(taskDefinition!.volumes));
  assert.equal(efs.transitEncryption, "ENABLED");
  assert.ok(efs.authorizationConfig?.accessPointId);
  const container = await describeContainer(aws, "audit");
  const [mount] = container.mountPoints ?? [];
  assert.equal(mount?.sourceVolume, volume!.name);
  const file = env(container.environment).AUDIT_CHECKPOINT_FILE;
  assert.ok(file?.startsWith(`${mount!.containerPath}/`), `${file} on ${mount?.containerPath}`);
  for (const spec of SERVICES.filter((s) => s.name !== "audit")) {
    const { taskDefinition: other } = await aws.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: `${PROJECT}-${spec.name}` }),
    );
    assert.deepEqual(other!.volumes ?? [], [], `${spec.name} mounts nothing`);
  }
}

/** A Terraform plan as `terraform show -json` writes it (the parts the checks read). */
interface PlanJson {
  resource_changes: {
    address: string;
    type: string;
    change: { actions: string[]; after: Record<string, unknown> | null };
  }[];
  relevant_attributes?: { resource: string; attribute: string[] }[];
}

/**
 * The plan of the same configuration with MSK on (moto cannot run MSK, so it is planned, not
 * applied): TLS only between clients and brokers and inside the cluster, SASL/SCRAM as the only
 * client authentication, one AmazonMSK_ secret per Kafka service under a customer managed key,
 * associated with the cluster, the services admitted on the SCRAM port 9096 only, and the
 * services' brokers taken from the SASL/SCRAM bootstrap list.
 */
function assertMskPlan(plan: PlanJson): void {
  const created = (type: string) =>
    plan.resource_changes.filter((r) => r.type === type && r.change.actions.includes("create"));
  const [cluster, ...more] = created("aws_msk_cluster");
  assert.ok(cluster && more.length === 0, "one MSK cluster planned");
  const after = cluster.change.after as {
    encryption_info: { encryption_in_transit: { client_broker: string; in_cluster: boolean }[] }[];
    client_authentication: {
      unauthenticated: boolean;
      sasl: { scram: boolean; iam: boolean }[];
      tls: unknown[];
    }[];
  };
  assert.deepEqual(after.encryption_info[0]?.encryption_in_transit, [
    { client_broker: "TLS", in_cluster: true },
  ]);
  const auth = after.client_authentication[0];
  assert.equal(auth?.unauthenticated, false);
  assert.deepEqual(auth?.sasl, [{ scram: true, iam: false }]);
  assert.deepEqual(auth?.tls, []);

  const kafkaServices = SERVICES.filter(usesKafka).map((s) => s.name).sort();
  const secrets = created("aws_secretsmanager_secret")
    .map((r) => r.change.after!.name as string)
    .filter((name) => name.startsWith("AmazonMSK_"));
  assert.deepEqual(secrets.sort(), kafkaServices.map((name) => `AmazonMSK_${PROJECT}-${name}`));
  assert.equal(created("aws_kms_key").length, 1, "a customer managed key for the SCRAM secrets");
  assert.equal(created("aws_msk_scram_secret_association").length, 1);
  const mskRules = created("aws_vpc_security_group_ingress_rule").filter((r) =>
    r.address.includes(".msk_service[")
  );
  assert.equal(mskRules.length, kafkaServices.length);
  for (const rule of mskRules) {
    assert.deepEqual([rule.change.after!.from_port, rule.change.after!.to_port], [9096, 9096]);
  }
  const brokerAttributes = (plan.relevant_attributes ?? [])
    .filter((a) =>
      a.resource === "aws_msk_cluster.this[0]" && a.attribute[0]!.startsWith("bootstrap")
    )
    .map((a) => a.attribute[0]);
  assert.deepEqual(brokerAttributes, ["bootstrap_brokers_sasl_scram"]);
}

/** After destroy: no cluster, service, task definition in use, database, secret or load balancer. */
async function assertDestroyed(aws: Clients): Promise<void> {
  const { clusters = [] } = await aws.ecs.send(
    new DescribeClustersCommand({ clusters: [PROJECT] }),
  );
  assert.ok(clusters.every((c) => c.status === "INACTIVE"), JSON.stringify(clusters));
  const { DBInstances: dbs = [] } = await aws.rds.send(new DescribeDBInstancesCommand({}));
  assert.deepEqual(dbs.map((db) => db.DBInstanceIdentifier), []);
  const { LoadBalancers: lbs = [] } = await aws.elb.send(new DescribeLoadBalancersCommand({}));
  assert.deepEqual(lbs.map((lb) => lb.LoadBalancerName), []);
  const { SecretList: secrets = [] } = await aws.sm.send(new ListSecretsCommand({}));
  assert.deepEqual(secrets.map((s) => s.Name), []);
  const { Namespaces: namespaces = [] } = await aws.sd.send(new ListNamespacesCommand({}));
  assert.deepEqual(namespaces.map((n) => n.Name), []);
  const { Services: discovery = [] } = await aws.sd.send(new ListDiscoveryServicesCommand({}));
  assert.deepEqual(discovery.map((s) => s.Name), []);
}

Deno.test({
  name: "terraform/ is formatted (terraform fmt -check) and valid (terraform validate)",
  ignore: !TERRAFORM,
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "pms-tf-validate-" });
    try {
      const quiet = { CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
      mustSucceed(
        "terraform fmt -check",
        await run(TERRAFORM!, ["fmt", "-check", "-recursive", "-diff", "terraform"], {
          env: quiet,
          timeoutMs: 60_000,
        }),
      );
      await copyTerraform(`${tmp}/tf`);
      await Deno.writeTextFile(`${tmp}/tfrc`, tfCliConfig());
      const tfEnv = { ...quiet, TF_CLI_CONFIG_FILE: `${tmp}/tfrc` };
      mustSucceed(
        "terraform init",
        await run(TERRAFORM!, ["init", "-backend=false", "-input=false", "-no-color"], {
          cwd: `${tmp}/tf`,
          env: tfEnv,
          timeoutMs: 120_000,
        }),
      );
      const validate = mustSucceed(
        "terraform validate",
        await run(TERRAFORM!, ["validate", "-no-color"], {
          cwd: `${tmp}/tf`,
          env: tfEnv,
          timeoutMs: 120_000,
        }),
      );
      assert.match(validate.stdout, /The configuration is valid/);
      const lock = await Deno.readTextFile(`${tmp}/tf/.terraform.lock.hcl`);
      assert.match(
        lock,
        /provider "registry\.terraform\.io\/hashicorp\/aws" \{\s+version\s+= "5\.100\./,
      );
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test({
  name: "deploy.sh → AWS API checks → plan shows no change → destroy.sh leaves nothing (moto)",
  ignore: !TERRAFORM,
  async fn(t) {
    const treeBefore = await treeState();
    const tmp = await Deno.makeTempDir({ prefix: "pms-deploy-" });
    let moto: Moto | undefined;
    let aws: Clients | undefined;
    try {
      const setup = mustSucceed(
        "scripts/localstack/setup.sh",
        await run("bash", [`${ROOT}scripts/localstack/setup.sh`], { timeoutMs: 300_000 }),
      );
      const venv = setup.stdout.trim().split("\n").at(-1)!;
      moto = await startMoto(`${venv}/bin/python`, `${tmp}/moto.log`);
      aws = clients(moto.endpoint);

      const tfDir = `${tmp}/terraform`;
      await copyTerraform(tfDir);
      const scriptEnv = {
        AWS_ENDPOINT_URL: moto.endpoint,
        AWS_ACCESS_KEY_ID: "test",
        AWS_SECRET_ACCESS_KEY: "test",
        AWS_DEFAULT_REGION: REGION,
        PMS_TF_DIR: tfDir,
        TFLOCAL: `${venv}/bin/tflocal`,
        TMPDIR: tmp,
        CHECKPOINT_DISABLE: "1",
        PATH: `${TERRAFORM!.replace(/\/terraform$/, "")}:${Deno.env.get("PATH") ?? ""}`,
      };
      const script = (name: string, args: string[] = []) =>
        run("bash", [`${ROOT}scripts/${name}`, ...args], { env: scriptEnv, timeoutMs: 420_000 });

      const deploy = mustSucceed("scripts/deploy.sh", await script("deploy.sh"));
      const applied = deploy.stderr.match(/Apply complete! Resources: (\d+) added, (\d+) changed/);
      assert.ok(applied, deploy.stderr.slice(-2000));
      const resources = Number(applied[1]);
      assert.match(deploy.stdout.trim(), /^\S+:\/\/\S+$/, "deploy.sh prints the gateway URL");
      console.log(
        `deploy: ${resources} resources applied in ${deploy.seconds.toFixed(1)} s ` +
          `(gateway URL ${deploy.stdout.trim()})`,
      );

      // Each part its own step: one that fails does not hide the others, and destroy still runs.
      const checks = aws;
      const outputs = JSON.parse(await Deno.readTextFile(`${tfDir}/terraform.tfstate`)).outputs;
      await t.step(
        "ECS, RDS, secrets and Cloud Map as services/catalog.json says",
        () => assertDeployed(checks),
      );
      await t.step(
        "HTTPS only at the load balancer: HTTP answers 301 to HTTPS",
        () => assertHttpsOnly(checks, deploy.stdout.trim(), outputs.certificate_arn?.value),
      );
      await t.step(
        "one database login per service: migrate as the owner, the service its own",
        () => assertDatabaseLogins(checks),
      );
      await t.step("Kafka over TLS", () => assertKafkaTls(checks));
      await t.step("the gateway trusts one proxy hop", () => assertTrustedProxyHops(checks));
      await t.step("FHIR links name the public address", () => assertFhirBase(checks));
      await t.step(
        "the audit checkpoints on a file system of their own",
        () => assertCheckpointFile(checks),
      );

      const plan = await script("plan.sh", ["-detailed-exitcode", "-no-color"]);
      assert.equal(
        plan.code,
        0,
        `a second plan must show no changes (exit 0, 2 = changes):\n${plan.stdout.slice(-6000)}\n${
          plan.stderr.slice(-3000)
        }`,
      );
      assert.match(plan.stdout, /No changes\./);
      console.log(`plan: no changes (${plan.seconds.toFixed(1)} s)`);

      // The same configuration with MSK on, planned against the emulator and read as JSON.
      await t.step("a plan with MSK on: TLS in transit, SASL/SCRAM only, port 9096", async () => {
        const mskPlan = mustSucceed(
          "scripts/plan.sh with enable_msk=true",
          await run("bash", [`${ROOT}scripts/plan.sh`, "-no-color", `-out=${tmp}/msk.tfplan`], {
            env: { ...scriptEnv, TF_VAR_enable_msk: "true" },
            timeoutMs: 420_000,
          }),
        );
        const shown = mustSucceed(
          "terraform show -json",
          await run(TERRAFORM!, ["show", "-json", `${tmp}/msk.tfplan`], {
            cwd: tfDir,
            env: scriptEnv,
            timeoutMs: 120_000,
          }),
        );
        await Deno.remove(`${tmp}/msk.tfplan`);
        assertMskPlan(JSON.parse(shown.stdout));
        console.log(`plan with MSK: TLS and SASL/SCRAM only (${mskPlan.seconds.toFixed(1)} s)`);
      });

      const destroy = mustSucceed("scripts/destroy.sh", await script("destroy.sh"));
      const destroyed = destroy.stderr.match(/Destroy complete! Resources: (\d+) destroyed/);
      assert.ok(destroyed, destroy.stderr.slice(-2000));
      if (destroy.stderr.includes("destroy: a step failed; one more pass")) {
        // destroy.sh's second pass (moto's InvalidPermission.NotFound for a rule that went with its
        // group): its count is only what the first pass left, and a resource the refresh found
        // already gone is destroyed by neither. That nothing is left is checked below, against
        // the API and the state.
        console.log(
          `destroy: a second pass destroyed the last ${destroyed[1]} resources in ${
            destroy.seconds.toFixed(1)
          } s`,
        );
      } else {
        assert.equal(Number(destroyed[1]), resources, "destroy removes every applied resource");
        console.log(
          `destroy: ${destroyed[1]} resources destroyed in ${destroy.seconds.toFixed(1)} s`,
        );
      }
      await assertDestroyed(aws);

      const state = JSON.parse(await Deno.readTextFile(`${tfDir}/terraform.tfstate`));
      assert.deepEqual(state.resources, [], "the state is empty after destroy");
    } finally {
      aws?.destroy();
      const port = moto?.port;
      await moto?.stop();
      await Deno.remove(tmp, { recursive: true });
      if (port) {
        // The port is free again: moto is gone.
        const listener = Deno.listen({ hostname: "127.0.0.1", port });
        listener.close();
      }
    }
    assert.equal(await treeState(), treeBefore, "the repository tree is unchanged");
  },
});
