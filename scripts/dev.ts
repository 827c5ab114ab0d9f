// deno-lint-ignore-file no-console
/**
 * `deno task dev`: finds or starts PostgreSQL (a URL from the environment → Docker → the local
 * server binaries → embedded PGlite), starts every service with file watching on its usual
 * port, waits until each is healthy, prints where everything is, restarts a service that dies,
 * and on Ctrl-C (or SIGTERM) stops everything it started.
 *
 * Ports can be moved with `<NAME>_PORT` (for example `GATEWAY_PORT=8080`) and
 * `BILLING_GRPC_PORT`.
 *
 * `deno task dev --one-process` runs every service in one process instead, each in an isolate of
 * its own (`services/one_process.ts`): about half the memory, for a small machine. It watches no
 * files, and a service that dies is started again by that process.
 *
 * @module
 */
import {
  type KafkaHandle,
  ownSession,
  RestartBudget,
  startKafka,
  startPostgres,
  waitForHttp,
} from "@pms/infra";
import { oneProcessLaunch, systemEnv } from "@pms/topology";
import { catalog } from "../services/catalog.ts";
import { Logger } from "@pms/log";
import { DEVELOPMENT_SIGNING_KEY_FILE } from "@pms/config";
import { exportPKCS8, generateKeyPair } from "jose";

const ROOT = new URL("../", import.meta.url).pathname;
const ONE_PROCESS = Deno.args.includes("--one-process");
const logger = new Logger({ service: "dev" });
const started = performance.now();
const children = new Map<string, Deno.ChildProcess>();
let pg: Awaited<ReturnType<typeof startPostgres>> | undefined;
let kafka: KafkaHandle | undefined;
let stopping: Promise<never> | undefined;

/**
 * Stops the services, then PostgreSQL. Ctrl-C reaches this process more than once (the terminal
 * signals the whole process group and `deno task` passes it on), so later calls share the first.
 */
function stopAll(code: number): Promise<never> {
  stopping ??= (async () => {
    logger.info("stopping");
    const signal = (name: Deno.Signal) => {
      for (const child of children.values()) {
        try {
          child.kill(name);
        } catch { /* gone */ }
      }
    };
    // Services run in sessions of their own (a signal to dev's process group reaches only dev),
    // so they are stopped here, first, with SIGINT: a `deno run --watch` process that gets
    // SIGTERM only restarts its program and keeps watching. Past 7 s they are killed, so the
    // whole stop stays within 10 s.
    const force = setTimeout(() => {
      logger.warn("services slow to stop; killing them");
      signal("SIGKILL");
    }, 7_000);
    signal("SIGINT");
    await Promise.allSettled([...children.values()].map((c) => c.status));
    clearTimeout(force);
    await kafka?.stop();
    await pg?.stop();
    logger.info("stopped");
    Deno.exit(code);
  })();
  return stopping;
}
for (const name of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  Deno.addSignalListener(name, () => stopAll(0));
}

/**
 * A development key kept in `.pms/` so tokens survive restarts of auth (and audit's checkpoints
 * still verify after audit restarts). Production refuses to start with auth's as its key
 * (`@pms/config`).
 */
async function devSigningKey(path = `${ROOT}${DEVELOPMENT_SIGNING_KEY_FILE}`): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    const { privateKey } = await generateKeyPair("EdDSA", { extractable: true });
    const pem = await exportPKCS8(privateKey);
    await Deno.mkdir(`${ROOT}.pms`, { recursive: true });
    await Deno.writeTextFile(path, pem, { mode: 0o600 });
    return pem;
  }
}

try {
  const ports = Object.fromEntries(
    catalog.services.map((
      s,
    ) => [s.name, Number(Deno.env.get(`${s.name.toUpperCase()}_PORT`) ?? s.port)]),
  );
  const grpcPorts = Object.fromEntries(
    catalog.services.flatMap((s) =>
      s.grpcPort
        ? [[s.name, Number(Deno.env.get(`${s.name.toUpperCase()}_GRPC_PORT`) ?? s.grpcPort)]]
        : []
    ),
  );
  pg = await startPostgres({
    databases: catalog.services.flatMap((s) => (s.database ? [s.database] : [])),
    logger,
    mode: "dev",
  });
  // Each service migrates as the database's owner (the superuser here) and runs as a login of
  // its own with only its rights, as in deployment.
  const byService = (urls: Record<string, string>) =>
    Object.fromEntries(
      catalog.services.flatMap((s) => (s.database ? [[s.name, urls[s.database]!]] : [])),
    );
  const databaseUrls = byService(pg.loginUrls);
  const databaseOwnerUrls = byService(pg.urls);
  // Kafka: KAFKA_BROKERS → Docker → a local broker with the JDK. Without one the HTTP product
  // still runs; patient events wait in the outbox until a broker is configured.
  try {
    kafka = await startKafka({
      logger,
      mode: "dev",
      topics: catalog.topics,
    });
  } catch (error) {
    logger.warn("no Kafka: patient events are queued in the outbox until a broker is available", {
      err: error,
    });
  }
  logger.info("using a development signing key (.pms/dev-signing-key.pem); never in production");
  const wiring = systemEnv(catalog, {
    ports,
    databaseUrls,
    databaseOwnerUrls,
    jwtPrivateKey: Deno.env.get("JWT_PRIVATE_KEY") ?? await devSigningKey(),
    auditCheckpointKey: Deno.env.get("AUDIT_CHECKPOINT_KEY") ??
      await devSigningKey(`${ROOT}.pms/dev-audit-checkpoint-key.pem`),
    databasePoolMax: pg.kind === "embedded" ? 1 : undefined,
    kafkaBrokers: kafka?.brokers,
    grpcPorts,
    common: {
      APP_ENV: "development",
      LOG_LEVEL: Deno.env.get("LOG_LEVEL") ?? "info",
      // Local webhook receivers (http://127.0.0.1:…) are allowed in development only.
      WEBHOOK_ALLOW_INSECURE: Deno.env.get("WEBHOOK_ALLOW_INSECURE") ?? "true",
    },
  });
  const budget = new RestartBudget();
  /**
   * Starts `name` (a service, or the one process of them all), and starts it again when it dies
   * (a crash; `--watch` itself keeps running after an uncaught error), as compose's `restart`
   * policy and ECS do, unless it crashes in a loop.
   */
  const supervise = (name: string, spawn: () => Deno.ChildProcess) => {
    const child = spawn();
    children.set(name, child);
    child.status.then((status) => {
      if (stopping || children.get(name) !== child) return;
      const restart = budget.take(name);
      logger.error(
        restart ? "service exited; restarting it" : "service exits in a loop; left down",
        { service: name, code: status.code, signal: status.signal },
      );
      if (restart) setTimeout(() => stopping || supervise(name, spawn), 1_000);
    });
  };
  if (ONE_PROCESS) {
    // Each service's environment goes in on standard input (see services/one_process.ts).
    const launch = oneProcessLaunch(catalog, wiring);
    supervise("one-process", () => {
      const [command, args] = ownSession(Deno.execPath(), [
        "run",
        ...launch.permissions,
        "services/one_process.ts",
      ]);
      const child = new Deno.Command(command, { args, cwd: ROOT, env: launch.env, stdin: "piped" })
        .spawn();
      launch.feed(child);
      return child;
    });
    await Promise.all(
      catalog.services.map((s) => waitForHttp(`http://127.0.0.1:${ports[s.name]}/health`, 60_000)),
    );
  } else {
    for (const spec of catalog.services) {
      supervise(spec.name, () => {
        const [command, args] = ownSession(Deno.execPath(), [
          "run",
          "--watch",
          "--no-clear-screen",
          ...spec.permissions,
          `services/${spec.name}/main.ts`,
        ]);
        return new Deno.Command(command, {
          args,
          cwd: ROOT,
          env: wiring[spec.name],
          stdin: "null",
        }).spawn();
      });
      await waitForHttp(`http://127.0.0.1:${ports[spec.name]}/health`, 60_000);
    }
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const gateway = `http://localhost:${ports.gateway}`;
  console.log(`
  Patient Management System is running (healthy after ${seconds} s${
    ONE_PROCESS ? ", every service in one process" : ""
  })

    gateway      ${gateway}        (the only address clients use)
    API docs     ${gateway}/docs
    login        curl -s -X POST ${gateway}/auth/login -H 'Content-Type: application/json' \\
                   -d '{"email":"testuser@test.com","password":"password123"}'
${
    catalog.services.filter((s) => s.name !== "gateway").map((s) =>
      `    ${s.name.padEnd(12)} http://127.0.0.1:${ports[s.name]}`
    ).join("\n")
  }
    billing gRPC 127.0.0.1:${grpcPorts.billing}
    postgres     ${pg.kind}${pg.serverUrl ? ` ${pg.serverUrl}` : ""}
    kafka        ${kafka ? `${kafka.kind} ${kafka.brokers.join(",")}` : "none: events are queued"}

  Ctrl-C stops everything.
`);
} catch (error) {
  logger.error("dev failed to start", { err: error });
  await stopAll(1);
}
