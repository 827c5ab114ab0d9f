import { env, exitOnConfigError, loadConfig, shapes } from "@pms/config";
import { Database } from "@pms/db";
import { createKafka, type KafkaSecurity, kafkaSecurity, startEventConsumer } from "@pms/events";
import { serve, shutdownOnSignal } from "@pms/http";
import { Logger } from "@pms/log";
import { usesKafka } from "@pms/topology";
import { auditWiring } from "./_audit_wiring.ts";
import { tokenWiring } from "./_token_wiring.ts";
import { createServiceApp } from "./create_service_app.ts";
import type {
  BackgroundWork,
  ServiceConfig,
  ServiceContext,
  ServiceManifest,
  VerifyToken,
} from "./service_manifest.ts";

/** A started service, for tests that run one in-process. */
export interface RunningService {
  /** The HTTP port actually bound. */
  port: number;
  /** Stops everything the runner started, in reverse order. */
  stop(): Promise<void>;
}

/** Options for {@linkcode runService}. */
export interface RunServiceOptions {
  /** The environment to read; defaults to the process's. */
  env?: Record<string, string | undefined>;
  /** Stop on SIGTERM, SIGINT and SIGHUP and exit (default true; tests pass false). */
  handleSignals?: boolean;
}

// Only what migrating needs: an init container gets the database's two logins, not the service's
// other secrets (auth's signing key, Kafka credentials), which a production start would demand.
const migrationShape = () => ({
  ...shapes.database(),
  LOG_LEVEL: env.logLevel(),
  APP_ENV: env.appEnv(),
});

function isMigrateOnly(name: string, source: Record<string, string | undefined>): boolean {
  try {
    return loadConfig({ MIGRATE_ONLY: env.boolean(false) }, source).MIGRATE_ONLY;
  } catch (error) {
    exitOnConfigError(name, error);
  }
}

/** `MIGRATE_ONLY=true`: migrates (and grants, with `DATABASE_OWNER_URL`), then resolves. */
async function migrateOnly<C extends ServiceConfig, D>(
  manifest: ServiceManifest<C, D>,
  source: Record<string, string | undefined>,
): Promise<RunningService> {
  const { name } = manifest.topology;
  let config;
  try {
    config = loadConfig(migrationShape(), source);
  } catch (error) {
    exitOnConfigError(name, error);
  }
  const logger = new Logger({ service: name, level: config.LOG_LEVEL });
  if (manifest.topology.database) {
    const db = await Database.connect({
      url: config.DATABASE_URL,
      ownerUrl: config.DATABASE_OWNER_URL,
      max: 1,
      logger,
      migrationsDir: manifest.migrations?.pathname,
    });
    // The pool opens lazily: nothing was connected but the migration's own connection.
    await db.close();
  }
  logger.info("migrated; exiting (MIGRATE_ONLY)");
  return { port: 0, stop: () => Promise.resolve() };
}

function unavailable(what: string): never {
  throw new Error(what);
}

/**
 * Runs a service from its manifest: loads and validates config (a bad variable, or Kafka TLS/SASL
 * settings that do not fit together, exits 1 with one JSON line naming it), builds the logger,
 * connects the database and migrates (as `DATABASE_OWNER_URL`'s login when set, granting
 * `DATABASE_URL`'s only the service's rights; with `MIGRATE_ONLY=true` it stops there and
 * resolves), builds the token verifier (JWKS and the polled revocation list) and the Kafka client
 * (TLS and SASL as configured), calls the manifest's `setup`, serves the app, starts workers and
 * consumers, and on SIGTERM/SIGINT/SIGHUP stops them in reverse order, then the pool.
 */
export async function runService<C extends ServiceConfig, D>(
  manifest: ServiceManifest<C, D>,
  options: RunServiceOptions = {},
): Promise<RunningService> {
  const { name } = manifest.topology;
  const source = options.env ?? Deno.env.toObject();
  if (isMigrateOnly(name, source)) return await migrateOnly(manifest, source);
  let config: C;
  let kafkaAuth: KafkaSecurity;
  try {
    config = manifest.config(source);
    kafkaAuth = kafkaSecurity(config);
  } catch (error) {
    exitOnConfigError(name, error);
  }
  const logger = new Logger({ service: name, level: config.LOG_LEVEL });
  const db = manifest.topology.database && config.DATABASE_URL
    ? await Database.connect({
      url: config.DATABASE_URL,
      ownerUrl: config.DATABASE_OWNER_URL,
      max: config.DATABASE_POOL_MAX,
      logger,
      migrationsDir: manifest.migrations?.pathname,
    })
    : undefined;
  const tokens = config.AUTH_JWKS_URL
    ? tokenWiring({ ...config, AUTH_JWKS_URL: config.AUTH_JWKS_URL }, logger)
    : undefined;
  const verify: VerifyToken | undefined = tokens?.verify;
  const brokers = config.KAFKA_BROKERS ?? [];
  const kafka = brokers.length > 0
    ? createKafka({ brokers, clientId: name, logger, ...kafkaAuth })
    : undefined;
  if (!kafka && usesKafka(manifest.topology)) {
    logger.warn("KAFKA_BROKERS is not set: events wait in the outbox or are not consumed");
  }
  const context: ServiceContext<C> = {
    config,
    logger,
    get db() {
      return db ?? unavailable(`${name} declares no database (or DATABASE_URL is unset)`);
    },
    get verify() {
      return verify ?? unavailable(`${name} verifies no tokens (AUTH_JWKS_URL is unset)`);
    },
    kafka,
  };
  // The manifest's own parts over the runner's (own properties may shadow `verify`, as auth's do).
  const own = (await manifest.setup(context)) ?? {};
  const deps = Object.create(context, Object.getOwnPropertyDescriptors(own)) as
    & D
    & ServiceContext<C>;

  const audit = manifest.audit && auditWiring(manifest.audit, deps, name, kafka);

  const app = createServiceApp({
    logger,
    title: manifest.title,
    servers: manifest.topology.routes.slice(0, 1).map((route) => ({
      url: route.strip || "/",
      description: "Through the gateway",
    })),
    middleware: [...(audit ? [audit.middleware] : []), ...(manifest.middleware?.(deps) ?? [])],
    health: () => manifest.health?.(deps) ?? db?.ping() ?? Promise.resolve(true),
    routes: (app) => manifest.routes(app, deps),
  });
  // The revocation list is asked once before serving, so a restarted service knows the sessions
  // that ended while it was down before it answers a token.
  const started: BackgroundWork[] = [];
  if (tokens) {
    await tokens.feed.start();
    started.push(tokens.feed);
  }
  const serveOptions = { fetch: app.fetch, port: config.PORT, hostname: config.HOST, logger };
  const server = await manifest.serve?.(serveOptions, deps) ?? serve(serveOptions);

  for (const work of [...(audit?.work ?? []), ...(manifest.workers?.(deps) ?? [])]) {
    await work.start();
    started.push(work);
  }
  // Started last, stopped first and together: each waits out its fetch in flight (up to the
  // broker's wait), so one after another they could outlast the shutdown's time limit.
  const consumers: { stop(): Promise<void> }[] = [];
  if (kafka) {
    for (const spec of manifest.consumers?.(deps) ?? []) {
      const consumer = await startEventConsumer({
        kafka,
        groupId: spec.group,
        topic: spec.topic,
        logger,
        decode: spec.decode,
        idOf: spec.idOf,
        fetch: spec.fetch,
        handleBatch: (events) => spec.handleBatch(events),
      });
      consumers.push(consumer);
    }
  }

  let stopping: Promise<void> | undefined;
  const stop = () =>
    stopping ??= (async () => {
      await server.shutdown();
      await Promise.all(consumers.map((consumer) => consumer.stop()));
      for (const work of started.toReversed()) await work.stop();
      await manifest.close?.(deps);
      await db?.close();
    })();
  if (options.handleSignals ?? true) shutdownOnSignal(logger, stop);
  return { port: server.port, stop };
}
