import { createTopics, freePort, generateSigningKey, RestartBudget, waitForHttp } from "@pms/infra";
import { type Catalog, oneProcessLaunch, systemEnv, usesKafka } from "@pms/topology";
import { createTestDatabase, type TestDatabase } from "./create_test_database.ts";

/** Options for {@linkcode startSystem}. */
export interface StartSystemOptions {
  /** Which services to run; defaults to all of them. */
  services?: string[];
  /** Extra environment per service name, on top of the wiring. */
  env?: Record<string, Record<string, string>>;
  /** Extra `deno run` flags per service name (the bench's `--inspect` for CPU profiles). */
  denoArgs?: Record<string, string[]>;
  /**
   * Brokers for the event services; defaults to `PMS_TEST_KAFKA_BROKERS` (set by `deno task
   * test`, which starts one broker for the run). Each system gets a topic of its own.
   */
  kafkaBrokers?: string[];
  /** `SMTP_URL` for notification (for example a `startSmtpSink()` URL). */
  smtpUrl?: string;
  /**
   * A superuser URL of the PostgreSQL server to make the databases on (for example one the test
   * started so it can stop it); defaults to `PMS_TEST_POSTGRES_URL`, see `createTestDatabase`.
   */
  postgresUrl?: string;
  /**
   * Every service in one process, each in an isolate of its own (`services/one_process.ts`), as
   * `deno task dev --one-process` runs them, instead of a process each. Its services are stopped
   * and started together: `stopService` refuses a service's name, and `startService` refuses.
   */
  oneProcess?: boolean;
}

/** The running system. */
export interface System {
  /** Base URL of each running service, by name. */
  urls: Record<string, string>;
  /**
   * Database URL of each service that has one, as its owner (a superuser): what tests inspect
   * and tamper with. The service itself runs as the login of {@linkcode System.loginUrls}.
   */
  databaseUrls: Record<string, string>;
  /** The URL of each service's own database login (its `DATABASE_URL`): only its rights. */
  loginUrls: Record<string, string>;
  /** `host:port` of each gRPC server, by service name. */
  grpcAddresses: Record<string, string>;
  /**
   * The brokers, this system's own topics and its own consumer group of each consuming service
   * (by service name), when events flow.
   */
  kafka?: {
    brokers: string[];
    /** This system's name of each catalog topic (`patient` → `patient-<id>`, `patient.DLT` → `patient-<id>.DLT`). */
    topics: Record<string, string>;
    /** This system's patient event topic. */
    topic: string;
    /** This system's audit record topic. */
    auditTopic: string;
    /** This system's billing event topic. */
    billingTopic: string;
    groups: Record<string, string>;
  };
  /**
   * Stops one service with `signal` (default SIGTERM) and waits for it to exit; with `oneProcess`,
   * only `one-process`, the process of them all.
   */
  stopService(name: string, signal?: Deno.Signal): Promise<Deno.CommandStatus>;
  /** Starts a stopped service again on the same port and waits for its health. */
  startService(name: string): Promise<void>;
  /**
   * The process id of a running service (for CPU and memory figures): with `oneProcess`, the one
   * process of them all.
   */
  pid(name: string): number | undefined;
  /** Whether every service runs in one process (`oneProcess`). */
  oneProcess: boolean;
  /** The service's recent output lines (JSON logs), for diagnosis. */
  logs(name: string): string[];
  /**
   * How often each service exited on its own and was started again (by name; absent when
   * never): the system restarts a service that dies unasked, as compose and ECS do.
   */
  restarts: Record<string, number>;
  /** Stops every service and drops the databases. */
  stop(): Promise<void>;
}

const ROOT = new URL("../../", import.meta.url).pathname;
/** The name `stopService` and the restarts know the one process of `oneProcess` by. */
const HOST = "one-process";

interface Running {
  child: Deno.ChildProcess;
  lines: string[];
  done: Promise<void>;
  /** Answered `/health` once (a start that fails is the caller's error, not restarted). */
  healthy: boolean;
}

/**
 * Starts the services of `catalog` as real processes (`deno run` with each one's own permissions, exactly as
 * `deno task dev` does), each with a fresh database on the test PostgreSQL server (or
 * `options.postgresUrl`) that it migrates as the owner and uses as a login of its own, on free
 * ports, and waits until each answers `/health`.
 */
export async function startSystem(
  catalog: Catalog,
  options: StartSystemOptions = {},
): Promise<System> {
  const wanted = options.services ?? catalog.services.map((s) => s.name);
  const specs = catalog.services.filter((s) => wanted.includes(s.name));
  const ports = Object.fromEntries(specs.map((s) => [s.name, freePort()]));
  const grpcPorts = Object.fromEntries(
    specs.flatMap((s) => (s.grpcPort ? [[s.name, freePort()]] : [])),
  );
  const brokers = options.kafkaBrokers ??
    (Deno.env.get("PMS_TEST_KAFKA_BROKERS") ?? "").split(",").filter(Boolean);
  const kafka = brokers.length > 0 && specs.some(usesKafka)
    ? (() => {
      const id = crypto.randomUUID().slice(0, 8);
      const groups = Object.fromEntries(
        specs.flatMap((s) => s.consumes?.[0] ? [[s.name, `${s.consumes[0].group}-${id}`]] : []),
      );
      // Every catalog topic, the system's id after its first part (`audit-<id>.checkpoints`).
      const topics = Object.fromEntries(
        catalog.topics.map(({ name }) => [name, name.replace(/^[^.]+/, (stem) => `${stem}-${id}`)]),
      );
      const own = (name: string) => topics[name] ?? `${name}-${id}`;
      return {
        brokers,
        topics,
        topic: own("patient"),
        auditTopic: own("audit"),
        billingTopic: own("billing"),
        groups,
        id,
      };
    })()
    : undefined;
  if (kafka) {
    await createTopics(
      kafka.brokers,
      catalog.topics.map((topic) => ({ ...topic, name: kafka.topics[topic.name]! })),
    );
  }
  const databases: TestDatabase[] = [];
  const databaseUrls: Record<string, string> = {};
  const loginUrls: Record<string, string> = {};
  const running = new Map<string, Running>();
  const restarts: Record<string, number> = {};
  const budget = new RestartBudget();
  let stopped = false;
  const stopAll = async () => {
    stopped = true;
    await Promise.all(
      options.oneProcess && running.size > 0
        ? [stopService(HOST)]
        : [...running.keys()].map((name) => stopService(name)),
    );
    for (const db of databases) await db.drop();
  };

  for (const spec of specs) {
    if (!spec.database) continue;
    const db = await createTestDatabase(spec.database, { serverUrl: options.postgresUrl });
    databases.push(db);
    databaseUrls[spec.name] = db.url;
    loginUrls[spec.name] = db.loginUrl;
  }
  const wiring = systemEnv(catalog, {
    ports,
    grpcPorts,
    kafkaBrokers: kafka?.brokers,
    topics: kafka?.topics,
    groupSuffix: kafka?.id,
    // Each service migrates as the owner and runs as a login of its own, as deployed.
    databaseUrls: loginUrls,
    databaseOwnerUrls: databaseUrls,
    jwtPrivateKey: await generateSigningKey(),
    // One per system, so the audit service's checkpoints still verify after it restarts.
    auditCheckpointKey: await generateSigningKey(),
    common: { LOG_LEVEL: "warn", APP_ENV: "test" },
  });
  if (options.smtpUrl && wiring.notification) wiring.notification.SMTP_URL = options.smtpUrl;
  const urls = Object.fromEntries(specs.map((s) => [s.name, `http://127.0.0.1:${ports[s.name]}`]));

  function launch(name: string): Running {
    const spec = specs.find((s) => s.name === name);
    if (!spec) throw new Error(`unknown service ${name}`);
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        ...(options.denoArgs?.[name] ?? []),
        ...spec.permissions,
        `services/${name}/main.ts`,
      ],
      cwd: ROOT,
      env: { ...wiring[name], ...options.env?.[name] },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const entry = track(child);
    running.set(name, entry);
    child.status.then((status) => restartAfterCrash(name, entry, status));
    return entry;
  }

  /** The one process of every service; each one's environment goes in on its standard input. */
  function launchHost(): Running {
    const launch = oneProcessLaunch(
      catalog,
      Object.fromEntries(
        specs.map((s) => [s.name, { ...wiring[s.name], ...options.env?.[s.name] }]),
      ),
    );
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", ...launch.permissions, "services/one_process.ts"],
      cwd: ROOT,
      env: launch.env,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    launch.feed(child);
    const entry = track(child);
    for (const spec of specs) running.set(spec.name, entry);
    child.status.then((status) => restartAfterCrash(HOST, entry, status));
    return entry;
  }

  function track(child: Deno.ChildProcess): Running {
    const lines: string[] = [];
    const collect = async (stream: ReadableStream<Uint8Array>) => {
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
        lines.push(...chunk.split("\n").filter(Boolean));
        if (lines.length > 500) lines.splice(0, lines.length - 500);
      }
    };
    const done = Promise.all([collect(child.stdout), collect(child.stderr)]).then(() => {});
    return { child, lines, done, healthy: false };
  }

  /**
   * A service that exits while still counted as running (not through `stopService`) crashed:
   * it is started again on the same port, as compose's `restart` policy and ECS do, within a
   * budget so a crash loop stays down. The crash is announced on stderr and kept in its log.
   */
  async function restartAfterCrash(name: string, entry: Running, status: Deno.CommandStatus) {
    const names = name === HOST ? specs.map((s) => s.name) : [name];
    if (stopped || !entry.healthy || running.get(names[0]!) !== entry) return;
    for (const each of names) running.delete(each);
    await entry.done;
    if (stopped) return;
    const exit = status.signal ?? `code ${status.code}`;
    if (!budget.take(name)) {
      // deno-lint-ignore no-console -- a test run shows every crash, not only a failed test's
      console.error(`startSystem: ${name} exited (${exit}) again; crash loop, left down`);
      return;
    }
    restarts[name] = (restarts[name] ?? 0) + 1;
    // deno-lint-ignore no-console -- as above
    console.error(`startSystem: ${name} exited unasked (${exit}); restarting it`);
    const last = entry.lines.slice(-5);
    const next = name === HOST ? launchHost() : launch(name);
    next.healthy = true;
    next.lines.push(`[startSystem] previous run exited (${exit}); its last lines:`, ...last);
  }

  async function startService(name: string): Promise<void> {
    if (options.oneProcess) throw new Error("one process: its services start together");
    const entry = launch(name);
    const exited = entry.child.status.then((status) => {
      throw new Error(
        `${name} exited with ${status.code} before it was healthy:\n${entry.lines.join("\n")}`,
      );
    });
    await Promise.race([waitForHttp(`${urls[name]}/health`, 30_000), exited]);
    exited.catch(() => {});
    entry.healthy = true;
  }

  async function startHost(): Promise<void> {
    const entry = launchHost();
    const exited = entry.child.status.then((status) => {
      throw new Error(
        `the one process exited with ${status.code} before it was healthy:\n${
          entry.lines.join("\n")
        }`,
      );
    });
    await Promise.race([
      Promise.all(specs.map((spec) => waitForHttp(`${urls[spec.name]}/health`, 30_000))),
      exited,
    ]);
    exited.catch(() => {});
    entry.healthy = true;
  }

  async function stopService(name: string, signal: Deno.Signal = "SIGTERM") {
    if (options.oneProcess && name !== HOST) {
      throw new Error("one process: its services stop together");
    }
    const entry = running.get(name === HOST ? specs[0]!.name : name);
    if (!entry) throw new Error(`${name} is not running`);
    for (const [each, other] of running) if (other === entry) running.delete(each);
    try {
      entry.child.kill(signal);
    } catch { /* already exited */ }
    const status = await entry.child.status;
    await entry.done;
    return status;
  }

  try {
    // All at once: no service needs another to start (token keys are fetched on first use,
    // billing and Kafka are retried), so the system is up as soon as the slowest one.
    if (options.oneProcess) await startHost();
    else await Promise.all(specs.map((spec) => startService(spec.name)));
  } catch (error) {
    await stopAll();
    throw error;
  }

  return {
    urls,
    databaseUrls,
    loginUrls,
    grpcAddresses: Object.fromEntries(
      Object.entries(grpcPorts).map(([name, port]) => [name, `127.0.0.1:${port}`]),
    ),
    kafka,
    stopService,
    startService,
    pid: (name) => running.get(name)?.child.pid,
    oneProcess: options.oneProcess ?? false,
    logs: (name) => running.get(name)?.lines ?? [],
    restarts,
    stop: stopAll,
  };
}
