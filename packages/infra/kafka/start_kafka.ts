// Its kafkajs fixes, before kafkajs itself: no TimeoutNegativeWarning from the admin client either.
import "@pms/events";
import { Kafka, logLevel } from "kafkajs";
import type { Logger } from "@pms/log";
import { freePort } from "../free_port.ts";
import { ownSession } from "../own_session.ts";
import { run, succeeds } from "../postgres/_util.ts";

/** A topic to create, with its partition count and settings. */
export interface TopicSpec {
  name: string;
  partitions: number;
  /** Topic settings other than the broker's defaults, e.g. `{"retention.ms": "-1"}`. */
  config?: Record<string, string>;
}

/** Options for {@linkcode startKafka}. */
export interface StartKafkaOptions {
  logger: Logger;
  /** `dev` uses compose for Docker; `test` uses testcontainers. */
  mode: "dev" | "test";
  /** Topics to create (explicit partitions; the broker never creates topics by itself). */
  topics: TopicSpec[];
  /** Environment to read `KAFKA_BROKERS` from; defaults to the process environment. */
  env?: Record<string, string | undefined>;
}

/** A broker (or brokers we were pointed at). */
export interface KafkaHandle {
  kind: "env" | "docker" | "local";
  brokers: string[];
  /** Local broker only: stops the JVM, keeping its data and port (for outage tests). */
  pause?(): Promise<void>;
  /** Local broker only: starts the paused broker again and waits until it answers. */
  resume?(): Promise<void>;
  /** Stops what was started and removes its files. */
  stop(): Promise<void>;
}

/** Thrown when no broker can be had (no `KAFKA_BROKERS`, no Docker, no JDK). */
export class KafkaUnavailableError extends Error {
  /** Creates the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "KafkaUnavailableError";
  }
}

const ROOT = new URL("../../../", import.meta.url).pathname;

/**
 * Finds or starts Kafka, in this order, logging the choice:
 * 1. `KAFKA_BROKERS` from the environment;
 * 2. a Docker engine, when `docker info` answers (testcontainers in tests, compose in dev);
 * 3. a real single-node Apache Kafka broker in KRaft mode, from Maven Central's jars
 *    (`scripts/kafka/fetch.sh`), run with the JDK on free ports in a throwaway directory.
 *
 * @throws {KafkaUnavailableError} when none of them is possible.
 */
export async function startKafka(options: StartKafkaOptions): Promise<KafkaHandle> {
  const env = options.env ?? Deno.env.toObject();
  let handle: KafkaHandle;
  if (env.KAFKA_BROKERS) {
    handle = { kind: "env", brokers: env.KAFKA_BROKERS.split(","), stop: () => Promise.resolve() };
  } else if (await succeeds("docker", ["info"], 3_000)) {
    handle = await startDocker(options.mode);
  } else {
    handle = await startLocal(options.logger);
  }
  await createTopics(handle.brokers, options.topics);
  options.logger.info("kafka ready", { kind: handle.kind, brokers: handle.brokers });
  return handle;
}

async function startDocker(mode: "dev" | "test"): Promise<KafkaHandle> {
  if (mode === "dev") {
    await run("docker", [
      "compose",
      "-f",
      "compose.yml",
      "-f",
      "compose.dev.yml",
      "up",
      "-d",
      "--wait",
      "kafka",
    ], {
      cwd: ROOT,
    });
    return {
      kind: "docker",
      brokers: ["127.0.0.1:9094"],
      stop: () => run("docker", ["compose", "stop", "kafka"], { cwd: ROOT }).then(() => {}),
    };
  }
  const { KafkaContainer } = await import("@testcontainers/kafka");
  const container = await new KafkaContainer("confluentinc/cp-kafka:7.9.0").withKraft().start();
  return {
    kind: "docker",
    brokers: [`${container.getHost()}:${container.getMappedPort(9093)}`],
    stop: () => container.stop().then(() => {}),
  };
}

/** A cluster id as Kafka makes them: 16 random bytes, base64url, never starting with `-`. */
function randomClusterId(): string {
  for (;;) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    const id = btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
      .replace(/=+$/, "");
    // The storage tool would read a leading "-" as an option.
    if (!id.startsWith("-")) return id;
  }
}

async function startLocal(logger: Logger): Promise<KafkaHandle> {
  if (!(await succeeds("java", ["-version"]))) {
    throw new KafkaUnavailableError("No Kafka: set KAFKA_BROKERS, start Docker, or install a JDK");
  }
  let lib: string;
  try {
    lib = (await run("bash", [`${ROOT}scripts/kafka/fetch.sh`])).trim();
  } catch (error) {
    throw new KafkaUnavailableError(`could not fetch the Kafka broker's jars: ${error}`, {
      cause: error,
    });
  }
  const dir = await Deno.makeTempDir({ prefix: "pms-kafka-" });
  const port = freePort();
  const controllerPort = freePort();
  const properties = [
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    "controller.listener.names=CONTROLLER",
    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
    "inter.broker.listener.name=PLAINTEXT",
    `log.dirs=${dir}/data`,
    "num.partitions=3",
    "offsets.topic.replication.factor=1",
    "offsets.topic.num.partitions=3",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "group.initial.rebalance.delay.ms=0",
    "auto.create.topics.enable=false",
  ].join("\n");
  await Deno.writeTextFile(`${dir}/server.properties`, properties + "\n");
  await Deno.writeTextFile(
    `${dir}/log4j.properties`,
    [
      "log4j.rootLogger=WARN, file",
      "log4j.appender.file=org.apache.log4j.FileAppender",
      `log4j.appender.file.File=${dir}/server.log`,
      "log4j.appender.file.layout=org.apache.log4j.PatternLayout",
      "log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n",
    ].join("\n") + "\n",
  );
  const classpath = `${lib}/*`;
  const jvm = [
    "-Xms128m",
    "-Xmx512m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-Djava.awt.headless=true",
    `-Dlog4j.configuration=file:${dir}/log4j.properties`,
    "-cp",
    classpath,
  ];
  try {
    await run("java", [
      ...jvm,
      "kafka.tools.StorageTool",
      "format",
      "-t",
      randomClusterId(),
      "-c",
      `${dir}/server.properties`,
    ]);
  } catch (error) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw new KafkaUnavailableError(`could not format the Kafka storage: ${error}`, {
      cause: error,
    });
  }

  let child: Deno.ChildProcess | undefined;
  const start = async () => {
    // A session of its own: a Ctrl-C to dev's terminal must not stop the broker before the
    // consumers that read from it; whoever started it stops it, last.
    const [command, args] = ownSession("java", [...jvm, "kafka.Kafka", `${dir}/server.properties`]);
    child = new Deno.Command(command, {
      args,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    const exited = child.status.then((s) => {
      throw new KafkaUnavailableError(`the Kafka broker exited with ${s.code}`);
    });
    await Promise.race([waitForBroker(`127.0.0.1:${port}`, 60_000), exited]);
    exited.catch(() => {});
  };
  const halt = async () => {
    if (!child) return;
    const current = child;
    child = undefined;
    try {
      current.kill("SIGTERM");
    } catch { /* gone */ }
    const timer = setTimeout(() => {
      try {
        current.kill("SIGKILL");
      } catch { /* gone */ }
    }, 15_000);
    await current.status;
    clearTimeout(timer);
  };
  const stop = async () => {
    await halt();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  try {
    await start();
  } catch (error) {
    await stop();
    logger.error("kafka failed to start", { err: error });
    throw error;
  }
  return { kind: "local", brokers: [`127.0.0.1:${port}`], pause: halt, resume: start, stop };
}

function quietKafka(brokers: string[]): Kafka {
  return new Kafka({
    clientId: "pms-infra",
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    retry: { retries: 0 },
  });
}

/** Waits until the broker answers a metadata request. */
async function waitForBroker(broker: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const admin = quietKafka([broker]).admin();
    try {
      await admin.connect();
      await admin.listTopics();
      return;
    } catch (error) {
      last = error;
      await new Promise((r) => setTimeout(r, 250));
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }
  throw new KafkaUnavailableError(`the Kafka broker at ${broker} did not answer`, { cause: last });
}

/** Creates the topics that do not exist yet (explicit partitions, replication factor 1). */
export async function createTopics(brokers: string[], topics: TopicSpec[]): Promise<void> {
  if (topics.length === 0) return;
  const admin = quietKafka(brokers).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          replicationFactor: 1,
          configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}
