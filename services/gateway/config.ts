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
  AUTH_JWKS_URL: env.url().optional().describe(
    "Where the public keys of tokens are fetched (cached, fetched again on an unknown `kid`); " +
      "unset: `AUTH_URL` + `/.well-known/jwks.json`.",
  ),
  ...shapes.tokenClaims(),
  ...shapes.revocations(),
  UPSTREAM_TIMEOUT_MS: env.positiveInt(10_000).describe(
    "Time a service has to answer a forwarded request, then `504`.",
  ),
  BODY_READ_TIMEOUT_MS: env.positiveInt(10_000).describe(
    "Time a client has to send a request body, then `408` and the connection is closed.",
  ),
  ...shapes.bodyLimit(128 * 1024, "the largest a service takes: a clinical note"),
  HEAD_TIMEOUT_MS: env.positiveInt(10_000).describe(
    "A connection whose request head is not complete in this time gets `408` and is closed.",
  ),
  IDLE_TIMEOUT_MS: env.positiveInt(60_000).describe(
    "A connection without a request for this long is closed.",
  ),
  TRUSTED_PROXY_HOPS: env.nonNegativeInt(0).describe(
    "Proxies in front of the gateway (behind a load balancer: 1). The client is the " +
      "`X-Forwarded-For` entry this far from the right; 0: the TCP peer, whatever the header says.",
  ),
};

const upstreamShape = Object.fromEntries(
  UPSTREAMS.map((s) => [
    upstreamVariable(s.name),
    env.url().default(`http://127.0.0.1:${s.port}`).describe(
      `Base URL of the ${s.name} service, where the gateway forwards its routes (one such ` +
        "variable for every routed service in `services/catalog.json`).",
    ),
  ]),
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
 * The gateway's settings, from environment variables (defaults from `services/catalog.json`; each
 * variable's meaning is its description above, listed in `docs/configuration.md`).
 *
 * @throws {ConfigError} naming every bad variable.
 */
export function loadGatewayConfig(source?: Record<string, string | undefined>) {
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
