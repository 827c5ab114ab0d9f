import { SERVICES } from "./services.ts";

/** V8 heap limits every service runs with (`DENO_V8_FLAGS`). */
export const V8_FLAGS = "--max-semi-space-size=8,--max-old-space-size=128";

/** What {@linkcode systemEnv} needs to wire the services together. */
export interface SystemEnvOptions {
  /** HTTP port of each service, by name. */
  ports: Record<string, number>;
  /** gRPC port of each service that serves gRPC, by name; defaults to the service table's. */
  grpcPorts?: Record<string, number>;
  /** Database URL of each service that has one, by service name. */
  databaseUrls: Record<string, string>;
  /** Auth's signing key (PKCS8 PEM); without it auth makes a throwaway key and warns. */
  jwtPrivateKey?: string;
  /** Pool size for every service (1 with embedded PGlite, which is a single session). */
  databasePoolMax?: number;
  /** Brokers for the services that produce or consume events; none means events stay queued. */
  kafkaBrokers?: string[];
  /** The patient event topic, when not `patient` (tests use one per system). */
  kafkaTopic?: string;
  /** Added to every service's environment. */
  common?: Record<string, string>;
}

/** The environment variables of each service, so that they find each other on loopback. */
export function systemEnv(options: SystemEnvOptions): Record<string, Record<string, string>> {
  const url = (name: string) => `http://127.0.0.1:${options.ports[name]}`;
  const grpcPort = (name: string) =>
    options.grpcPorts?.[name] ?? SERVICES.find((s) => s.name === name)?.grpcPort;
  const result: Record<string, Record<string, string>> = {};
  for (const [name, port] of Object.entries(options.ports)) {
    const spec = SERVICES.find((s) => s.name === name);
    const env: Record<string, string> = {
      PORT: String(port),
      // Bounded heaps: V8 otherwise grows young and old space freely under load (measured:
      // gateway 223 → 128 MB, patient 183 → 112 MB after the same load, idle unchanged).
      DENO_V8_FLAGS: V8_FLAGS,
      ...options.common,
    };
    const databaseUrl = options.databaseUrls[name];
    if (databaseUrl) env.DATABASE_URL = databaseUrl;
    if (databaseUrl && options.databasePoolMax) {
      env.DATABASE_POOL_MAX = String(options.databasePoolMax);
    }
    if (name !== "auth" && options.ports.auth) {
      env.AUTH_JWKS_URL = `${url("auth")}/.well-known/jwks.json`;
    }
    if (name === "auth" && options.jwtPrivateKey) env.JWT_PRIVATE_KEY = options.jwtPrivateKey;
    if (spec?.grpcPort) env.GRPC_PORT = String(grpcPort(name));
    if (name === "patient" && grpcPort("billing")) {
      env.BILLING_GRPC_ADDRESS = `127.0.0.1:${grpcPort("billing")}`;
    }
    if (spec?.kafka && options.kafkaBrokers?.length) {
      env.KAFKA_BROKERS = options.kafkaBrokers.join(",");
    }
    if (spec?.kafka && options.kafkaTopic) env.KAFKA_TOPIC = options.kafkaTopic;
    if (name === "gateway") {
      for (const upstream of ["auth", "patient", "billing", "analytics", "notification"]) {
        if (options.ports[upstream]) env[`${upstream.toUpperCase()}_URL`] = url(upstream);
      }
    }
    result[name] = env;
  }
  return result;
}
