/**
 * The system under test for both benchmarks: a PostgreSQL server, a real Kafka broker and every
 * service of the catalog as processes (`startSystem`), or with `--one-process` as isolates of one
 * process, with how long each part took to come up.
 *
 * @module
 */
import {
  type KafkaHandle,
  type PostgresHandle,
  startKafka,
  startPostgres,
  waitForHttp,
} from "@pms/infra";
import { Logger } from "@pms/log";
import { startSystem, type System } from "@pms/testing";
import { catalog } from "../../services/catalog.ts";
import { type Proc, serviceThreads } from "./process_stats.ts";

/** Options for {@linkcode startBenchSystem}. */
export interface BenchSystemOptions {
  /** Extra databases to create on the server (besides each service's own). */
  databases: string[];
  /** Trade PostgreSQL's durability for speed (fsync off). */
  fast?: boolean;
  /** Extra environment of every service (for example `DENO_V8_FLAGS` to compare). */
  env?: Record<string, string>;
  /** Extra PostgreSQL settings (`name=value`). */
  pgSettings?: string[];
  /** Extra `deno run` flags per service (`--inspect=…` for CPU profiles). */
  denoArgs?: Record<string, string[]>;
  /** Every service in one process (`--one-process`), as `deno task dev --one-process` runs them. */
  oneProcess?: boolean;
}

/** The running system and its infrastructure. */
export interface BenchSystem {
  pg: PostgresHandle;
  kafka: KafkaHandle;
  system: System;
  /** From the start to PostgreSQL and Kafka both up, in ms. */
  infraMs: number;
  /** From the infrastructure up to every service healthy, in ms. */
  healthyMs: number;
  /**
   * Resolves once every service answers `/health`: a run started while one that died is being
   * started again (with `--one-process`, all of them) would find no one listening.
   */
  serving(): Promise<void>;
  /** Stops the services, the broker and the server. */
  stop(): Promise<void>;
}

/** The benchmarks' logger: warnings and errors only. */
export const logger: Logger = new Logger({ service: "bench", level: "warn" });

/**
 * Starts PostgreSQL, then Kafka, then all the services on them; stops what it started when a
 * later part fails.
 */
export async function startBenchSystem(options: BenchSystemOptions): Promise<BenchSystem> {
  const infraStart = performance.now();
  const pg = await startPostgres({
    databases: options.databases,
    logger,
    mode: "test",
    fast: options.fast,
    settings: options.pgSettings,
  });
  let kafka: KafkaHandle | undefined;
  try {
    kafka = await startKafka({ logger, mode: "test", topics: [] });
    const infraMs = Math.round(performance.now() - infraStart);
    Deno.env.set("PMS_TEST_POSTGRES_URL", pg.serverUrl ?? "");
    const systemStart = performance.now();
    const system = await startSystem(catalog, {
      kafkaBrokers: kafka.brokers,
      denoArgs: options.denoArgs,
      oneProcess: options.oneProcess,
      env: options.env &&
        Object.fromEntries(catalog.services.map((s) => [s.name, options.env!])),
    });
    const healthyMs = Math.round(performance.now() - systemStart);
    const broker = kafka;
    return {
      pg,
      kafka: broker,
      system,
      infraMs,
      healthyMs,
      async serving() {
        await Promise.all(
          catalog.services.map((s) => waitForHttp(`${system.urls[s.name]}/health`, 60_000)),
        );
      },
      async stop() {
        await system.stop();
        await broker.stop();
        await pg.stop();
      },
    };
  } catch (error) {
    await kafka?.stop();
    await pg.stop();
    throw error;
  }
}

/** Whether the bench was asked to run every service in one process (`--one-process`). */
export const ONE_PROCESS: boolean = Deno.args.includes("--one-process");

/**
 * What each service's CPU is read of: its process, or, when they share one, its isolate's thread
 * (with the process's other threads as `shared threads`).
 */
export function serviceProcs(system: System, names: string[]): Record<string, Proc[]> {
  const host = system.oneProcess ? system.pid(names[0]!) : undefined;
  if (host) return serviceThreads(host, names);
  return Object.fromEntries(names.map((name) => {
    const pid = system.pid(name);
    return [name, pid ? [pid] : []];
  }));
}
