import postgres from "postgres";
import type { Logger } from "@pms/log";
import { databaseUrl } from "../database_url.ts";
import { freePort } from "../free_port.ts";
import { findPgBin } from "./find_pg_bin.ts";
import { run, succeeds } from "./_util.ts";

/** Where a PostgreSQL server came from, in the order they are tried. */
export type PostgresKind = "env" | "docker" | "local" | "embedded";

/** Options for {@linkcode startPostgres}. */
export interface StartPostgresOptions {
  /** Databases to create (one per service); each gets a URL in {@linkcode PostgresHandle.urls}. */
  databases: string[];
  /** Reports which source was chosen. */
  logger: Logger;
  /** `dev` may fall back to embedded PGlite and uses compose for Docker; `test` uses testcontainers. */
  mode: "dev" | "test";
  /** Environment to read `POSTGRES_URL` from; defaults to the process environment. */
  env?: Record<string, string | undefined>;
  /** Extra server settings (`name=value`), for example the bench's `pg_stat_statements`. */
  settings?: string[];
  /** Trade durability for speed (fsync off): right for throwaway test servers. */
  fast?: boolean;
}

/** A running PostgreSQL server (or a server we were pointed at) and its databases. */
export interface PostgresHandle {
  /** Which source was chosen. */
  kind: PostgresKind;
  /** A URL per requested database, as the superuser: its owner, which migrates it. */
  urls: Record<string, string>;
  /**
   * A URL per requested database as a login of its own (`<database>_app`, a fresh random
   * password each start), for the service's `DATABASE_URL`: the service, migrating as `urls`'
   * owner, grants it only its rights. With `embedded` (one user) the same as `urls`.
   */
  loginUrls: Record<string, string>;
  /** A superuser URL of the server, when there is one server (not with `embedded`). */
  serverUrl?: string;
  /** The local server's data directory and binaries, for tests that stop and start it. */
  local?: { pgCtl: string[]; dataDir: string };
  /**
   * Local server only: stops the server (fast shutdown: running sessions are ended), keeping its
   * data directory and port, for outage tests.
   */
  pause?(): Promise<void>;
  /** Local server only: starts the paused server again, same port and data, once it accepts. */
  resume?(): Promise<void>;
  /** Stops what was started and removes its files; a URL from the environment is left alone. */
  stop(): Promise<void>;
}

/**
 * Finds or starts PostgreSQL, in this order, logging the choice:
 * 1. `POSTGRES_URL` from the environment (a superuser URL; the databases are created in it);
 * 2. a Docker engine, when `docker info` answers (testcontainers in tests, `compose.yml` in dev);
 * 3. the local server binaries (`initdb`, `pg_ctl`) in a throwaway directory on a free port;
 * 4. for `dev` only, embedded PGlite behind a socket server, one per database.
 */
export async function startPostgres(options: StartPostgresOptions): Promise<PostgresHandle> {
  const env = options.env ?? Deno.env.toObject();
  const log = options.logger;
  let handle: PostgresHandle;
  if (env.POSTGRES_URL) {
    const logins = await createDatabases(env.POSTGRES_URL, options.databases);
    handle = withUrls("env", env.POSTGRES_URL, logins, () => Promise.resolve());
  } else if (await succeeds("docker", ["info"], 3_000)) {
    handle = await startDocker(options, env);
  } else {
    const bin = await findPgBin();
    if (bin) {
      handle = await startLocal(bin, options);
    } else if (options.mode === "dev") {
      handle = await startEmbedded(options.databases);
    } else {
      throw new Error(
        "No PostgreSQL: set POSTGRES_URL, start a Docker engine, or install the server " +
          "(scripts/install_postgres.sh)",
      );
    }
  }
  log.info("postgres ready", {
    kind: handle.kind,
    databases: options.databases,
    server: handle.serverUrl ? redact(handle.serverUrl) : undefined,
  });
  return handle;
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}

function withUrls(
  kind: PostgresKind,
  serverUrl: string,
  logins: Record<string, string>,
  stop: () => Promise<void>,
): PostgresHandle {
  const databases = Object.keys(logins);
  const urls = Object.fromEntries(databases.map((db) => [db, databaseUrl(serverUrl, db)]));
  const loginUrls = Object.fromEntries(databases.map((db) => {
    const url = new URL(databaseUrl(serverUrl, db));
    url.username = `${db}_app`;
    url.password = logins[db]!;
    return [db, url.toString()];
  }));
  return { kind, urls, loginUrls, serverUrl, stop };
}

/**
 * Creates each database that does not exist yet, and its login `<database>_app` with a fresh
 * random password (a login left by an earlier start gets the new one). Resolves with the
 * passwords by database.
 */
async function createDatabases(
  serverUrl: string,
  databases: string[],
): Promise<Record<string, string>> {
  const sql = postgres(databaseUrl(serverUrl, "postgres"), { max: 1, onnotice: () => {} });
  const passwords: Record<string, string> = {};
  try {
    for (const name of databases) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
      const [exists] = await sql`select 1 from pg_database where datname = ${name}`;
      if (!exists) {
        await sql.unsafe(`create database "${name}"`).catch((error) => {
          if (error?.code !== "42P04") throw error; // created meanwhile by another starter
        });
      }
      const login = `${name}_app`;
      const password = crypto.randomUUID().replaceAll("-", "");
      const [known] = await sql`select 1 from pg_roles where rolname = ${login}`;
      const [row] = await sql<{ ddl: string }[]>`
        select format(${
        known ? "alter role %I login password %L" : "create role %I login password %L"
      }::text,
          ${login}::text, ${password}::text) as ddl`;
      await sql.unsafe(row!.ddl);
      passwords[name] = password;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
  return passwords;
}

async function startDocker(
  options: StartPostgresOptions,
  env: Record<string, string | undefined>,
): Promise<PostgresHandle> {
  if (options.mode === "dev") {
    const root = new URL("../../../", import.meta.url).pathname;
    const password = env.POSTGRES_PASSWORD ?? "postgres";
    const files = ["-f", "compose.yml", "-f", "compose.dev.yml"];
    await run("docker", ["compose", ...files, "up", "-d", "--wait", "postgres"], {
      cwd: root,
      env: { POSTGRES_PASSWORD: password },
    });
    const serverUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:5432/postgres`;
    const logins = await createDatabases(serverUrl, options.databases);
    return withUrls("docker", serverUrl, logins, async () => {
      await run("docker", ["compose", ...files, "stop", "postgres"], {
        cwd: root,
        env: { POSTGRES_PASSWORD: password },
      });
    });
  }
  const { PostgreSqlContainer } = await import("@testcontainers/postgresql");
  const container = await new PostgreSqlContainer("postgres:17-alpine").start();
  const serverUrl = container.getConnectionUri();
  const logins = await createDatabases(serverUrl, options.databases);
  return withUrls("docker", serverUrl, logins, async () => {
    await container.stop();
  });
}

async function startLocal(bin: string, options: StartPostgresOptions): Promise<PostgresHandle> {
  const dir = await Deno.makeTempDir({ prefix: "pms-pg-" });
  const dataDir = `${dir}/data`;
  // PostgreSQL refuses to run as root; as root we run it as the `postgres` user.
  const asUser = Deno.uid() === 0 ? await postgresUser() : undefined;
  if (asUser) await Deno.chown(dir, asUser.uid, asUser.gid);
  const wrap = (cmd: string, args: string[]): [string, string[]] =>
    asUser ? ["runuser", ["-u", asUser.name, "--", cmd, ...args]] : [cmd, args];
  const pgCtl = asUser ? ["runuser", "-u", asUser.name, "--", `${bin}/pg_ctl`] : [`${bin}/pg_ctl`];
  const port = freePort();
  const settings = [
    `-c port=${port}`,
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories=${dir}`,
    "-c max_connections=300",
    ...(options.fast
      ? ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
      : []),
    ...(options.settings ?? []).map((setting) => `-c ${setting}`),
  ].join(" ");
  const pgCtlRun = (args: string[]) => run(pgCtl[0]!, [...pgCtl.slice(1), "-D", dataDir, ...args]);
  const start = () =>
    pgCtlRun(["-l", `${dir}/server.log`, "-o", settings, "-w", "-t", "60", "start"]);
  const halt = () => pgCtlRun(["-m", "fast", "-w", "stop"]);
  try {
    await run(...wrap(`${bin}/initdb`, [
      "-D",
      dataDir,
      "-U",
      "postgres",
      "-A",
      "trust",
      "-E",
      "UTF8",
      "--no-instructions",
      ...(options.fast ? ["--no-sync"] : []),
    ]));
    await start();
  } catch (error) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw error;
  }
  const serverUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const stop = async () => {
    await halt().catch(() => {});
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  let logins: Record<string, string>;
  try {
    logins = await createDatabases(serverUrl, options.databases);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    ...withUrls("local", serverUrl, logins, stop),
    local: { pgCtl, dataDir },
    pause: async () => {
      await halt();
    },
    resume: async () => {
      await start();
    },
  };
}

async function postgresUser(): Promise<{ name: string; uid: number; gid: number }> {
  for (const name of ["postgres", "nobody"]) {
    try {
      const uid = Number((await run("id", ["-u", name])).trim());
      const gid = Number((await run("id", ["-g", name])).trim());
      return { name, uid, gid };
    } catch { /* try the next */ }
  }
  throw new Error("running as root and there is no postgres or nobody user to run PostgreSQL");
}

async function startEmbedded(databases: string[]): Promise<PostgresHandle> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  const servers: { close(): Promise<void> }[] = [];
  const urls: Record<string, string> = {};
  for (const name of databases) {
    const db = await PGlite.create();
    const port = freePort();
    const server = new PGLiteSocketServer({ db, port, host: "127.0.0.1", maxConnections: 16 });
    await server.start();
    servers.push({
      async close() {
        await server.stop();
        await db.close();
      },
    });
    urls[name] = `postgres://postgres@127.0.0.1:${port}/postgres`;
  }
  return {
    kind: "embedded",
    urls,
    // PGlite is a single user: the services own their databases, as before.
    loginUrls: urls,
    async stop() {
      for (const server of servers) await server.close();
    },
  };
}
