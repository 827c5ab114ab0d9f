import type { OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { Kafka } from "kafkajs";
import type { Database } from "@pms/db";
import type { AuditRecorder } from "@pms/audit";
import type { EventDecoder, KafkaSaslMechanism, ReceivedEvent } from "@pms/events";
import type { AppEnv, ServeOptions, Server } from "@pms/http";
import type { TokenClaims } from "@pms/jwt";
import type { Logger, LogLevel } from "@pms/log";
import type { ServiceTopology } from "@pms/topology";

/** The settings every service has; a manifest's config loader may add any others. */
export interface ServiceConfig {
  PORT: number;
  HOST: string;
  LOG_LEVEL: LogLevel;
  /** Its own database (services with one): the login the service runs as. */
  DATABASE_URL?: string;
  DATABASE_POOL_MAX?: number;
  /** The database's owner login: migrates and grants `DATABASE_URL`'s login its rights. */
  DATABASE_OWNER_URL?: string;
  /** Migrate (and grant), then stop: the service's init container. */
  MIGRATE_ONLY?: boolean;
  /** Where bearer-token keys are fetched (services that verify tokens). */
  AUTH_JWKS_URL?: string;
  JWT_ISSUER?: string;
  JWT_AUDIENCE?: string;
  /** Auth's revocation list; defaults to `/revocations` beside `AUTH_JWKS_URL`. */
  AUTH_REVOCATIONS_URL?: string;
  /** Wait between two polls of the revocation list (1000). */
  REVOCATION_POLL_MS?: number;
  /** The list unheard this long, the service is out of touch (30). */
  REVOCATION_STALE_SECONDS?: number;
  /** Out of touch, it refuses tokens issued longer ago than this (60). */
  REVOCATION_STALE_MAX_TOKEN_AGE_SECONDS?: number;
  /** Brokers (services that produce or consume events); empty: events wait or are not read. */
  KAFKA_BROKERS?: string[];
  /** TLS to the brokers; and a SASL login (see `kafkaSecurity()` of `@pms/events`). */
  KAFKA_SSL?: boolean;
  KAFKA_SASL_MECHANISM?: KafkaSaslMechanism;
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD?: string;
  /** The topic audit records are published to (`audit`). */
  AUDIT_TOPIC?: string;
  /** Client addresses from `X-Forwarded-For` (the gateway appends it); default true. */
  TRUST_PROXY?: boolean;
}

/** Verifies a compact bearer token; rejects when it is invalid. */
export type VerifyToken = (token: string) => Promise<TokenClaims>;

/** What the runner has built before a manifest's own `setup` runs. */
export interface ServiceContext<C extends ServiceConfig> {
  config: C;
  logger: Logger;
  /** The service's database, migrated. Reading it throws for a service without one. */
  readonly db: Database;
  /**
   * Token verification against auth's JWKS and its revocation list (ended sessions refused);
   * reading it throws when `AUTH_JWKS_URL` is unset.
   */
  readonly verify: VerifyToken;
  /** A Kafka client when `KAFKA_BROKERS` is set, else undefined (events wait or are not read). */
  kafka: Kafka | undefined;
}

/** Background work with a start and a clean stop (relays, dispatchers, senders, servers). */
export interface BackgroundWork {
  /** Begins the work; the runner awaits it before the next one starts. */
  start(): void | Promise<void>;
  /** Ends the work and waits for what is in flight. */
  stop(): Promise<void>;
}

/** A consumer of one topic in one group: the runner connects it and stops it before the pool. */
export interface EventConsumerSpec<T = unknown> {
  topic: string;
  group: string;
  /** Decodes a message (what it refuses goes to the topic's `.DLT`). */
  decode: EventDecoder<T>;
  /** An event's id for log lines (defaults to its `eventId`, when it has one). */
  idOf?(event: T): string;
  /** Fetch batching (see the consumer's `fetch`): fewer, larger batches for a busy topic. */
  fetch?: { minBytes: number; maxWaitMs: number };
  /**
   * Applies a batch of events (in partition order) in one transaction; must be idempotent
   * (delivery is at least once).
   */
  handleBatch(events: ReceivedEvent<T>[]): Promise<void>;
}

/**
 * The service's audit trail: where its records go. Which routes are audited, and as what, each
 * route declares itself (`defineRoute`'s `audit`).
 */
export interface AuditSpec<D> {
  /**
   * Where records are committed; defaults to the service's own outbox (migration
   * `createAuditOutbox`), relayed to topic `audit`. The audit service keeps its own.
   */
  recorder?(deps: D): AuditRecorder;
}

/**
 * A service declared as data plus factories. `runService(manifest)` does the rest: config,
 * logger, database and migrations, token verifier, app with request context, `/health` and the
 * one error handler, serving, background work, consumers, and a clean stop in reverse order.
 */
export interface ServiceManifest<C extends ServiceConfig, D> {
  /** The service's entry in `services/catalog.json`: name, ports, database, topics, permissions. */
  topology: ServiceTopology;
  /** The OpenAPI document's title; without one the service publishes no `/v3/api-docs`. */
  title?: string;
  /** Folder of numbered migrations (`00001_name.sql`), applied at start under a lock. */
  migrations?: URL;
  /** Reads and validates the environment; throws `ConfigError` naming the bad variables. */
  config(source?: Record<string, string | undefined>): C;
  /** Builds the service's own parts (stores, domain, clients) from what the runner made. */
  setup(context: ServiceContext<C>): D | Promise<D>;
  /** Middleware run before every route, `/health` included (the gateway's guards). */
  middleware?(deps: D & ServiceContext<C>): MiddlewareHandler<AppEnv>[];
  /** Mounts the service's routes on the app the runner made. */
  routes(app: OpenAPIHono<AppEnv>, deps: D & ServiceContext<C>): void;
  /** `/health`'s answer; defaults to a database ping (or always up without a database). */
  health?(deps: D & ServiceContext<C>): Promise<boolean>;
  /**
   * Serves the app, resolving once it listens; defaults to `Deno.serve` (`serve` of `@pms/http`).
   * The public gateway serves with connection timeouts of its own.
   */
  serve?(options: ServeOptions, deps: D & ServiceContext<C>): Promise<Server>;
  /** Background work, started after the server and stopped in reverse order. */
  workers?(deps: D & ServiceContext<C>): BackgroundWork[];
  /** Audited routes; each call's record is committed before the answer leaves. */
  audit?: AuditSpec<D & ServiceContext<C>>;
  /** Topic consumers; started only when `KAFKA_BROKERS` is set. */
  consumers?(deps: D & ServiceContext<C>): EventConsumerSpec[];
  /** Releases what `setup` opened (clients, producers), after workers and before the pool. */
  close?(deps: D & ServiceContext<C>): Promise<void> | void;
}
