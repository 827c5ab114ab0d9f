/**
 * The AWS SDK clients of the deploy tests, pointed at the emulator, and small readers of what
 * they return.
 *
 * @module
 */
import { DescribeTaskDefinitionCommand, ECSClient } from "@aws-sdk/client-ecs";
import { RDSClient } from "@aws-sdk/client-rds";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { ServiceDiscoveryClient } from "@aws-sdk/client-servicediscovery";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

/** terraform/variables.tf's defaults, which the deploy scripts keep. */
export const PROJECT = "patient-management";
export const NAMESPACE = "patient-management.local";
export const REGION = "us-east-1";

/** One client per API the checks read, for `endpoint`; `destroy()` closes them all. */
export function clients(endpoint: string) {
  const config = {
    endpoint,
    region: REGION,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 2,
  };
  const all = {
    ecs: new ECSClient(config),
    rds: new RDSClient(config),
    elb: new ElasticLoadBalancingV2Client(config),
    sd: new ServiceDiscoveryClient(config),
    sm: new SecretsManagerClient(config),
  };
  return { ...all, destroy: () => Object.values(all).forEach((c) => c.destroy()) };
}
export type Clients = ReturnType<typeof clients>;

/** A container's environment (name/value pairs) as a record. */
export const env = (list: { name?: string; value?: string }[] | undefined) =>
  Object.fromEntries((list ?? []).map((e) => [e.name, e.value]));

/** The service's own container (named as the service) in its current task definition. */
export async function describeContainer(aws: Clients, name: string) {
  const { taskDefinition } = await aws.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: `${PROJECT}-${name}` }),
  );
  return taskDefinition!.containerDefinitions!.find((c) => c.name === name)!;
}
