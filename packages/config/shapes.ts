import { z } from "zod";
import { env } from "./env.ts";

/**
 * Groups of variables several services read, to spread into a `loadConfig` shape:
 *
 * ```ts
 * loadConfig({ ...shapes.server(8080), ...shapes.database(), ...shapes.tokens(jwksUrl) });
 * ```
 */
export const shapes = {
  /** `PORT`, `HOST` (loopback unless told), `LOG_LEVEL`, `APP_ENV`. */
  server(port: number, host = "127.0.0.1") {
    return {
      PORT: env.port(port),
      HOST: env.string(host),
      LOG_LEVEL: env.logLevel(),
      APP_ENV: env.appEnv(),
    };
  },
  /** `DATABASE_URL` (required) and `DATABASE_POOL_MAX` (10). */
  database() {
    return { DATABASE_URL: env.url(), DATABASE_POOL_MAX: env.positiveInt(10) };
  },
  /**
   * `AUTH_JWKS_URL` (default `jwksUrl`, auth's address from the catalog), `JWT_ISSUER`,
   * `JWT_AUDIENCE`: how bearer tokens are verified.
   */
  tokens(jwksUrl: string) {
    return {
      AUTH_JWKS_URL: env.url().default(jwksUrl),
      JWT_ISSUER: env.string("patient-management-auth"),
      JWT_AUDIENCE: env.string("patient-management"),
    };
  },
  /**
   * `KAFKA_BROKERS`: comma-separated `host:port`; unset means events stay queued.
   * `KAFKA_TOPIC`: the patient event topic (`patient`; its dead letters go to `<topic>.DLT`).
   */
  kafka() {
    return {
      KAFKA_TOPIC: env.string("patient"),
      ...shapes.auditTrail(),
    };
  },
  /** `BILLING_TOPIC`: the billing event topic (`billing`; its dead letters go to `<topic>.DLT`). */
  billingTopic() {
    return { BILLING_TOPIC: env.string("billing") };
  },
  /**
   * `KAFKA_BROKERS` and `AUDIT_TOPIC` (`audit`): where a service's audit records are published
   * from its outbox; unset brokers mean the records wait there. How the brokers are reached:
   * `KAFKA_SSL` (false; true: TLS), `KAFKA_SASL_MECHANISM` (none; `plain`, `scram-sha-256` or
   * `scram-sha-512`) with `KAFKA_SASL_USERNAME` and `KAFKA_SASL_PASSWORD` (checked together by
   * `kafkaSecurity()` of `@pms/events`).
   */
  auditTrail() {
    return {
      AUDIT_TOPIC: env.string("audit"),
      KAFKA_BROKERS: env.string("").optional().transform((value) =>
        (value ?? "").split(",").map((b) => b.trim()).filter(Boolean)
      ),
      KAFKA_SSL: env.boolean(false),
      KAFKA_SASL_MECHANISM: z.enum(["plain", "scram-sha-256", "scram-sha-512"], {
        error: "must be one of plain, scram-sha-256, scram-sha-512",
      }).optional(),
      KAFKA_SASL_USERNAME: env.string("").optional(),
      KAFKA_SASL_PASSWORD: env.string("").optional(),
    };
  },
};
