import type { Catalog } from "./service_topology.ts";
import { usesKafka } from "./uses_kafka.ts";
import { serviceV8Flags } from "./service_v8_flags.ts";
import { topicVariables } from "./topic_variables.ts";

/** What {@linkcode systemEnv} needs to wire the services together on one host. */
export interface SystemEnvOptions {
  /** HTTP port of each service to run, by name; services not named here are left out. */
  ports: Record<string, number>;
  /** gRPC port of each service that serves gRPC, by name; defaults to the catalog's. */
  grpcPorts?: Record<string, number>;
  /** Database URL of each service that has one, by service name: the login it runs as. */
  databaseUrls: Record<string, string>;
  /**
   * The owner login's URL of each service's database (`DATABASE_OWNER_URL`): the service migrates
   * as it and grants its own login (`databaseUrls`) only its rights. Unset for a service: its
   * `DATABASE_URL` owns everything.
   */
  databaseOwnerUrls?: Record<string, string>;
  /** Auth's signing key (PKCS8 PEM); without it auth makes a throwaway key and warns. */
  jwtPrivateKey?: string;
  /** The audit service's checkpoint signing key (PKCS8 PEM); without it audit makes one. */
  auditCheckpointKey?: string;
  /** Pool size for every service (1 with embedded PGlite, which is a single session). */
  databasePoolMax?: number;
  /** Brokers for the services that produce or consume events; none means events stay queued. */
  kafkaBrokers?: string[];
  /**
   * The name each catalog topic has on this broker, when not its catalog name (tests use topics
   * of their own per system): a service that produces or consumes a topic gets its
   * `<TOPIC>_TOPIC` (see {@linkcode topicVariables}).
   */
  topics?: Record<string, string>;
  /**
   * Appended to every consumer group (`analytics-service-<suffix>`, as `<TOPIC>_GROUP_ID`): test
   * systems sharing one broker then never share a group, whose members would otherwise be
   * assigned each other's topics.
   */
  groupSuffix?: string;
  /** Added to every service's environment. */
  common?: Record<string, string>;
}

/**
 * The environment variables of each service, so that they find each other on loopback: derived
 * from the catalog's ports, calls, routes and topics, never written out per service.
 */
export function systemEnv(
  catalog: Catalog,
  options: SystemEnvOptions,
): Record<string, Record<string, string>> {
  const url = (name: string) => `http://127.0.0.1:${options.ports[name]}`;
  const grpcPort = (name: string) =>
    options.grpcPorts?.[name] ?? catalog.services.find((s) => s.name === name)?.grpcPort;
  const result: Record<string, Record<string, string>> = {};
  for (const spec of catalog.services) {
    const port = options.ports[spec.name];
    if (port === undefined) continue;
    const env: Record<string, string> = {
      PORT: String(port),
      // Bounded heaps: V8 otherwise grows young and old space freely under load (measured:
      // gateway 223 → 128 MB, patient 183 → 112 MB after the same load, idle unchanged).
      DENO_V8_FLAGS: serviceV8Flags(catalog, spec),
      ...options.common,
    };
    const databaseUrl = options.databaseUrls[spec.name];
    if (databaseUrl) env.DATABASE_URL = databaseUrl;
    const ownerUrl = options.databaseOwnerUrls?.[spec.name];
    if (databaseUrl && ownerUrl && ownerUrl !== databaseUrl) env.DATABASE_OWNER_URL = ownerUrl;
    if (databaseUrl && options.databasePoolMax) {
      env.DATABASE_POOL_MAX = String(options.databasePoolMax);
    }
    if (spec.tokens && options.ports.auth) {
      env.AUTH_JWKS_URL = `${url("auth")}/.well-known/jwks.json`;
    }
    if (spec.name === "auth" && options.jwtPrivateKey) env.JWT_PRIVATE_KEY = options.jwtPrivateKey;
    if (spec.name === "audit" && options.auditCheckpointKey) {
      env.AUDIT_CHECKPOINT_KEY = options.auditCheckpointKey;
    }
    if (spec.grpcPort) env.GRPC_PORT = String(grpcPort(spec.name));
    for (const call of spec.calls) {
      const name = call.service.toUpperCase();
      if (call.protocol === "grpc" && grpcPort(call.service)) {
        env[`${name}_GRPC_ADDRESS`] = `127.0.0.1:${grpcPort(call.service)}`;
      } else if (call.protocol === "http" && options.ports[call.service]) {
        env[`${name}_URL`] = url(call.service);
      }
    }
    if (spec.public) {
      for (const upstream of catalog.services) {
        if (upstream.routes.length > 0 && options.ports[upstream.name]) {
          env[`${upstream.name.toUpperCase()}_URL`] = url(upstream.name);
        }
      }
    }
    if (usesKafka(spec) && options.kafkaBrokers?.length) {
      env.KAFKA_BROKERS = options.kafkaBrokers.join(",");
    }
    const used = [...(spec.produces ?? []), ...(spec.consumes ?? []).map((c) => c.topic)];
    for (const topic of used) {
      const name = options.topics?.[topic];
      if (name !== undefined) env[topicVariables(topic).topic] = name;
    }
    for (const { topic, group } of spec.consumes ?? []) {
      if (!options.groupSuffix) break;
      env[topicVariables(topic).group] = `${group}-${options.groupSuffix}`;
    }
    result[spec.name] = env;
  }
  return result;
}
