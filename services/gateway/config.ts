import { env, loadConfig } from "@pms/config";

/**
 * The gateway's settings, from environment variables:
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `PORT` | 4004 | listening port |
 * | `HOST` | 0.0.0.0 | interface (the gateway is the public entry point) |
 * | `AUTH_URL` | http://127.0.0.1:4005 | auth service |
 * | `PATIENT_URL` | http://127.0.0.1:4000 | patient service |
 * | `BILLING_URL` | http://127.0.0.1:4001 | billing service (HTTP) |
 * | `ANALYTICS_URL` | http://127.0.0.1:4002 | analytics service |
 * | `NOTIFICATION_URL` | http://127.0.0.1:4003 | notification service |
 * | `AUTH_JWKS_URL` | `AUTH_URL` + /.well-known/jwks.json | where token keys are fetched |
 * | `JWT_ISSUER` | patient-management-auth | expected `iss` |
 * | `JWT_AUDIENCE` | patient-management | expected `aud` |
 * | `UPSTREAM_TIMEOUT_MS` | 10000 | time allowed for an upstream answer (then 504) |
 * | `MAX_BODY_BYTES` | 65536 | larger request bodies get 413 |
 * | `LOG_LEVEL` | info | debug, info, warn, error |
 */
export interface GatewayConfig {
  port: number;
  host: string;
  upstreams: {
    auth: string;
    patient: string;
    billing: string;
    analytics: string;
    notification: string;
  };
  jwksUrl: string;
  issuer: string;
  audience: string;
  upstreamTimeoutMs: number;
  maxBodyBytes: number;
  logLevel: "debug" | "info" | "warn" | "error";
}

/** Reads and validates the gateway's environment; throws ConfigError naming a bad variable. */
export function loadGatewayConfig(
  source: Record<string, string | undefined> = Deno.env.toObject(),
): GatewayConfig {
  const c = loadConfig({
    PORT: env.port(4004),
    HOST: env.string("0.0.0.0"),
    AUTH_URL: env.url().default("http://127.0.0.1:4005"),
    PATIENT_URL: env.url().default("http://127.0.0.1:4000"),
    BILLING_URL: env.url().default("http://127.0.0.1:4001"),
    ANALYTICS_URL: env.url().default("http://127.0.0.1:4002"),
    NOTIFICATION_URL: env.url().default("http://127.0.0.1:4003"),
    AUTH_JWKS_URL: env.url().optional(),
    JWT_ISSUER: env.string("patient-management-auth"),
    JWT_AUDIENCE: env.string("patient-management"),
    UPSTREAM_TIMEOUT_MS: env.positiveInt(10_000),
    MAX_BODY_BYTES: env.positiveInt(64 * 1024),
    LOG_LEVEL: env.logLevel(),
  }, source);
  const trim = (url: string) => url.replace(/\/+$/, "");
  return {
    port: c.PORT,
    host: c.HOST,
    upstreams: {
      auth: trim(c.AUTH_URL),
      patient: trim(c.PATIENT_URL),
      billing: trim(c.BILLING_URL),
      analytics: trim(c.ANALYTICS_URL),
      notification: trim(c.NOTIFICATION_URL),
    },
    jwksUrl: c.AUTH_JWKS_URL ?? `${trim(c.AUTH_URL)}/.well-known/jwks.json`,
    issuer: c.JWT_ISSUER,
    audience: c.JWT_AUDIENCE,
    upstreamTimeoutMs: c.UPSTREAM_TIMEOUT_MS,
    maxBodyBytes: c.MAX_BODY_BYTES,
    logLevel: c.LOG_LEVEL,
  };
}
