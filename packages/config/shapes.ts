import { z } from "zod";
import { env } from "./env.ts";

/** See {@linkcode shapes.revocations}. */
function revocationShape() {
  return {
    AUTH_REVOCATIONS_URL: env.url().optional().describe(
      "Auth's list of ended sessions (`/revocations`); by default beside `AUTH_JWKS_URL`.",
    ),
    REVOCATION_POLL_MS: env.positiveInt(1000).describe(
      "Milliseconds between two polls of the revocation list.",
    ),
    REVOCATION_STALE_SECONDS: env.positiveInt(30).describe(
      "After this long without an answer from auth the service's revocation list is stale.",
    ),
    REVOCATION_STALE_MAX_TOKEN_AGE_SECONDS: env.positiveInt(60).describe(
      "While the list is stale, tokens issued longer ago than this are refused (401).",
    ),
  };
}

/** See {@linkcode shapes.tokenClaims}. */
function tokenClaimsShape() {
  return {
    JWT_ISSUER: env.string("patient-management-auth").describe(
      "The `iss` tokens are signed with and must carry.",
    ),
    JWT_AUDIENCE: env.string("patient-management").describe(
      "The `aud` tokens are signed with and must carry.",
    ),
  };
}

/** See {@linkcode shapes.auditTrail}. */
function auditTrailShape() {
  return {
    AUDIT_TOPIC: env.string("audit").describe(
      "The audit record topic: records are published there from each service's outbox and " +
        "read by the audit service; bad messages go to `<topic>.DLT`.",
    ),
    KAFKA_BROKERS: env.string("").optional().transform((value) =>
      (value ?? "").split(",").map((b) => b.trim()).filter(Boolean)
    ).describe(
      "Kafka brokers, `host:port,...`. Unset: events and audit records wait in the outbox and " +
        "nothing is consumed.",
    ),
    KAFKA_SSL: env.boolean(false).describe("Speak TLS to the Kafka brokers."),
    KAFKA_SASL_MECHANISM: z.enum(["plain", "scram-sha-256", "scram-sha-512"], {
      error: "must be one of plain, scram-sha-256, scram-sha-512",
    }).optional().describe(
      "SASL login to the brokers: `plain` (only with `KAFKA_SSL=true`), `scram-sha-256` or " +
        "`scram-sha-512`; needs `KAFKA_SASL_USERNAME` and `KAFKA_SASL_PASSWORD`. Unset: no login.",
    ),
    KAFKA_SASL_USERNAME: env.string("").optional().describe(
      "The service's Kafka user (with `KAFKA_SASL_MECHANISM`).",
    ),
    KAFKA_SASL_PASSWORD: env.string("").optional().describe(
      "The service's Kafka password (with `KAFKA_SASL_MECHANISM`); a secret.",
    ),
  };
}

/**
 * Groups of variables several services read, to spread into a `loadConfig` shape:
 *
 * ```ts
 * loadConfig({ ...shapes.server(8080), ...shapes.database(), ...shapes.tokens(jwksUrl) });
 * ```
 *
 * Each variable carries its meaning (`.describe()`), from which `docs/configuration.md` is made.
 */
export const shapes = {
  /** `PORT`, `HOST` (loopback unless told), `LOG_LEVEL`, `APP_ENV`. */
  server(port: number, host = "127.0.0.1") {
    return {
      PORT: env.port(port).describe("HTTP port the service listens on."),
      HOST: env.string(host).describe(
        "Interface the HTTP server binds to; the back services stay on loopback unless told.",
      ),
      LOG_LEVEL: env.logLevel().describe(
        "Lowest level written to the JSON log: `debug`, `info`, `warn` or `error`.",
      ),
      APP_ENV: env.appEnv().describe(
        "`development`, `test` or `production`; production refuses a generated signing key " +
          "and demo data.",
      ),
    };
  },
  /**
   * `DATABASE_URL` (required): the login the service runs as; `DATABASE_POOL_MAX` (10);
   * `DATABASE_OWNER_URL` (optional): the owner login of the same database, which migrates and
   * grants `DATABASE_URL`'s login only the service's rights (unset: `DATABASE_URL` owns
   * everything); `MIGRATE_ONLY` (false): migrate and grant, then exit 0 (an init container).
   */
  database() {
    return {
      DATABASE_URL: env.url().describe(
        "PostgreSQL URL of the service's own database (no service reads another's), as the login " +
          "the service runs as: requests, consumers and workers use it.",
      ),
      DATABASE_POOL_MAX: env.positiveInt(10).describe("Connections in the service's pool."),
      DATABASE_OWNER_URL: env.url().optional().describe(
        "The owner login of the same database: migrations run as it on a short-lived " +
          "connection, then it creates `DATABASE_URL`'s login if missing and grants it only the " +
          "service's rights. Unset: `DATABASE_URL` owns everything.",
      ),
      MIGRATE_ONLY: env.boolean(false).describe(
        "Migrate and grant, then exit 0 (for an init container).",
      ),
    };
  },
  /**
   * `AUTH_JWKS_URL` (default `jwksUrl`, auth's address from the catalog), `JWT_ISSUER`,
   * `JWT_AUDIENCE`: how bearer tokens are verified; and {@linkcode shapes.revocations}.
   */
  tokens(jwksUrl: string) {
    return {
      AUTH_JWKS_URL: env.url().default(jwksUrl).describe(
        "Where the public keys of tokens are fetched; cached, fetched again on an unknown `kid`.",
      ),
      ...tokenClaimsShape(),
      ...revocationShape(),
    };
  },
  /**
   * How a token-verifying service hears of ended sessions: `AUTH_REVOCATIONS_URL` (auth's
   * `/revocations`, by default beside `AUTH_JWKS_URL`), polled every `REVOCATION_POLL_MS`
   * (1000); unheard for `REVOCATION_STALE_SECONDS` (30), it refuses tokens issued more than
   * `REVOCATION_STALE_MAX_TOKEN_AGE_SECONDS` (60) ago.
   */
  revocations: revocationShape,
  /** `JWT_ISSUER` and `JWT_AUDIENCE`: the claims auth signs into tokens and verifiers require. */
  tokenClaims: tokenClaimsShape,
  /**
   * `PATIENT_TOPIC`: the patient event topic (`patient`; its dead letters go to `<topic>.DLT`), and
   * the audit trail's variables ({@linkcode shapes.auditTrail}).
   */
  kafka() {
    return {
      PATIENT_TOPIC: env.string("patient").describe(
        "The patient event topic; messages that are not valid events go to `<topic>.DLT`.",
      ),
      ...auditTrailShape(),
    };
  },
  /**
   * `<TOPIC>_GROUP_ID`: the consumer group a service reads `topic` in (the catalog's `group` of
   * its `consumes` entry, given as `group`), named by the one rule of every topic's variables.
   */
  consumerGroup<T extends string>(topic: T, group: string) {
    const name = `${topic.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_GROUP_ID`;
    return {
      [name]: env.string(group).describe(`Consumer group on the ${topic} event topic.`),
    } as Record<`${Uppercase<T>}_GROUP_ID`, ReturnType<typeof env.string>>;
  },
  /**
   * `FHIR_BASE_URL`: the FHIR base clients see (through the gateway by default), used in
   * `fullUrl`, Bundle links and `Location` by every service that serves FHIR resources.
   */
  fhirBase(defaultValue: string) {
    return {
      FHIR_BASE_URL: z.string().refine((value) => {
        if (!URL.canParse(value)) return false;
        const url = new URL(value);
        return /^https?:$/.test(url.protocol) && !url.search && !url.hash && !url.username;
      }, "must be an absolute http(s) URL without query, fragment or credentials")
        .transform((value) => value.replace(/\/+$/, "")).default(defaultValue).describe(
          "The FHIR base clients see, used in `fullUrl`, Bundle links and `Location` (an absolute " +
            "http(s) URL).",
        ),
    };
  },
  /** `IDEMPOTENCY_TTL_SECONDS` (24 h): how long an `Idempotency-Key` and its answer are kept. */
  idempotency() {
    return {
      IDEMPOTENCY_TTL_SECONDS: env.positiveInt(24 * 3600).describe(
        "How long an `Idempotency-Key` and the first answer to it are kept.",
      ),
    };
  },
  /** `PAGE_SIZE_DEFAULT` (50) and `PAGE_SIZE_MAX` (100): the page sizes of the service's lists. */
  paging() {
    return {
      PAGE_SIZE_DEFAULT: env.positiveInt(50).describe("Page size of a list without `size`."),
      PAGE_SIZE_MAX: env.positiveInt(100).describe("Largest `size` a list accepts."),
    };
  },
  /** `MAX_BODY_BYTES` (`bytes`): the largest request body, then `413` (`why` says what fits). */
  bodyLimit(bytes: number, why = "") {
    return {
      MAX_BODY_BYTES: env.positiveInt(bytes).describe(
        `Largest request body accepted, then \`413\`${why ? ` (${why})` : ""}.`,
      ),
    };
  },
  /**
   * How a service calls billing's gRPC server: `BILLING_GRPC_ADDRESS` (`address`), each call's
   * deadline `BILLING_DEADLINE_MS` (3000), and the retries of a call billing did not answer,
   * from `BILLING_RETRY_BASE_MS` (500, doubled with jitter) up to `BILLING_RETRY_MAX_MS` (60 s).
   * `use` says what for: `where` (the server's role), `call` (the RPC), `what` (what is retried).
   */
  billingClient(address: string, use: { where: string; call: string; what: string }) {
    return {
      BILLING_GRPC_ADDRESS: env.string(address).describe(
        `\`host:port\` of billing's gRPC server, where ${use.where}.`,
      ),
      BILLING_DEADLINE_MS: env.positiveInt(3000).describe(
        `Deadline of one \`${use.call}\` call to billing.`,
      ),
      BILLING_RETRY_BASE_MS: env.positiveInt(500).describe(
        `First retry delay of ${use.what} while billing does not answer; doubled (with jitter) ` +
          "each attempt.",
      ),
      BILLING_RETRY_MAX_MS: env.positiveInt(60_000).describe(
        `Longest retry delay; ${use.what} is retried until billing answers.`,
      ),
    };
  },
  /**
   * `BILLING_CURRENCY` (`USD`): the ISO 4217 currency of billing accounts; money in another is
   * refused. Billing and the services that send it charges read the same value.
   */
  billingCurrency() {
    return {
      BILLING_CURRENCY: env.string("USD").refine(
        (code) => Intl.supportedValuesOf("currency").includes(code),
        "must be an ISO 4217 currency code (USD, EUR, …)",
      ).describe(
        "ISO 4217 currency of new accounts; every amount of an account is in its currency, and " +
          "money in another currency (a charge, a payment, an encounter's charges) is refused " +
          "(`400`).",
      ),
    };
  },
  /** `APPOINTMENT_TOPIC`: the appointment event topic (`appointment`). */
  appointmentTopic() {
    return {
      APPOINTMENT_TOPIC: env.string("appointment").describe(
        "The appointment event topic (protobuf `AppointmentEvent`, key = patient id); bad " +
          "messages go to `<topic>.DLT`.",
      ),
    };
  },
  /** `CLINICAL_TOPIC`: the encounter event topic (`clinical`). */
  clinicalTopic() {
    return {
      CLINICAL_TOPIC: env.string("clinical").describe(
        "The encounter event topic (protobuf `EncounterEvent`, key = patient id); bad messages " +
          "go to `<topic>.DLT`.",
      ),
    };
  },
  /** `BILLING_TOPIC`: the billing event topic (`billing`; its dead letters go to `<topic>.DLT`). */
  billingTopic() {
    return {
      BILLING_TOPIC: env.string("billing").describe(
        "The billing event topic (protobuf `BillingEvent`, key = patient id); bad messages go " +
          "to `<topic>.DLT`.",
      ),
    };
  },
  /**
   * `KAFKA_BROKERS` and `AUDIT_TOPIC` (`audit`): where a service's audit records are published
   * from its outbox; unset brokers mean the records wait there. How the brokers are reached:
   * `KAFKA_SSL` (false; true: TLS), `KAFKA_SASL_MECHANISM` (none; `plain`, `scram-sha-256` or
   * `scram-sha-512`) with `KAFKA_SASL_USERNAME` and `KAFKA_SASL_PASSWORD` (checked together by
   * `kafkaSecurity()` of `@pms/events`).
   */
  auditTrail: auditTrailShape,
};
