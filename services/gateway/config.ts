import { ConfigError, env, loadConfig, shapes } from "@pms/config";
import { catalog, topology } from "../catalog.ts";

const self = topology("gateway");

/** The services the gateway routes to (those with `routes` in the catalog). */
export const UPSTREAMS = catalog.services.filter((s) => s.routes.length > 0);

/** `AUTH_URL`, `PATIENT_URL`, …: the variable naming a routed service's base URL. */
export function upstreamVariable(name: string): string {
  return `${name.toUpperCase()}_URL`;
}

const settingsShape = {
  ...shapes.server(self.port, "0.0.0.0"),
  AUTH_JWKS_URL: env.url().optional(),
  JWT_ISSUER: env.string("patient-management-auth"),
  JWT_AUDIENCE: env.string("patient-management"),
  UPSTREAM_TIMEOUT_MS: env.positiveInt(10_000),
  BODY_READ_TIMEOUT_MS: env.positiveInt(10_000),
  MAX_BODY_BYTES: env.positiveInt(64 * 1024),
  HEAD_TIMEOUT_MS: env.positiveInt(10_000),
  IDLE_TIMEOUT_MS: env.positiveInt(60_000),
  TRUSTED_PROXY_HOPS: env.nonNegativeInt(0),
};

const upstreamShape = Object.fromEntries(
  UPSTREAMS.map((s) => [upstreamVariable(s.name), env.url().default(`http://127.0.0.1:${s.port}`)]),
);

/** Runs `load`, keeping a ConfigError's problems so that every bad variable is named at once. */
function collect<T>(load: () => T, problems: ConfigError["problems"]): T | undefined {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

/**
 * The gateway's settings, from environment variables (defaults from `services/catalog.json`):
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `PORT`, `HOST` | the catalog's, 0.0.0.0 | the public entry point |
 * | `<NAME>_URL` | `http://127.0.0.1:<catalog port>` | each routed service (`AUTH_URL`, `PATIENT_URL`, …) |
 * | `AUTH_JWKS_URL` | `AUTH_URL` + /.well-known/jwks.json | where token keys are fetched |
 * | `JWT_ISSUER`, `JWT_AUDIENCE` | patient-management-auth, patient-management | expected `iss`, `aud` |
 * | `UPSTREAM_TIMEOUT_MS` | 10000 | time allowed for an upstream answer (then 504) |
 * | `BODY_READ_TIMEOUT_MS` | 10000 | time allowed for a request body to arrive (then 408) |
 * | `MAX_BODY_BYTES` | 65536 | larger request bodies get 413 |
 * | `HEAD_TIMEOUT_MS` | 10000 | a connection whose request head is not complete in this time is closed (408) |
 * | `IDLE_TIMEOUT_MS` | 60000 | a connection without a request for this long is closed |
 * | `TRUSTED_PROXY_HOPS` | 0 | proxies in front (a load balancer: 1); the client is the `X-Forwarded-For` entry this far from the right, 0: the TCP peer |
 * | `LOG_LEVEL` | info | debug, info, warn, error |
 *
 * @throws {ConfigError} naming every bad variable.
 */
export function loadGatewayConfig(
  source: Record<string, string | undefined> = Deno.env.toObject(),
) {
  const problems: ConfigError["problems"] = [];
  const settings = collect(() => loadConfig(settingsShape, source), problems);
  const urls = collect(() => loadConfig(upstreamShape, source), problems);
  if (!settings || !urls || problems.length > 0) throw new ConfigError(problems);
  const upstreams = Object.fromEntries(
    UPSTREAMS.map((s) => [s.name, urls[upstreamVariable(s.name)]!.replace(/\/+$/, "")]),
  );
  return {
    ...settings,
    AUTH_JWKS_URL: settings.AUTH_JWKS_URL ?? `${upstreams.auth}/.well-known/jwks.json`,
    /** Base URL of each routed service, by name, without a trailing slash. */
    upstreams,
  };
}

/** The gateway's validated settings. */
export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;
