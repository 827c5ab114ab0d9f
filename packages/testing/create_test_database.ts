import postgres from "postgres";
import { databaseUrl, startPostgres } from "@pms/infra";
import { silentLogger } from "./silent_logger.ts";

/** A database made for one test file. */
export interface TestDatabase {
  /** Its URL as a superuser, which owns it: migrations, grants and tests' own inspection. */
  url: string;
  /**
   * Its URL as a login of its own (`<name>_app`, random password) that does not exist yet: a
   * service given it as `DATABASE_URL` and `url` as `DATABASE_OWNER_URL` creates it and grants
   * it only its rights. `drop()` drops it.
   */
  loginUrl: string;
  /** Drops it (and stops the server when this call started one). */
  drop(): Promise<void>;
}

/** Options for {@linkcode createTestDatabase}. */
export interface CreateTestDatabaseOptions {
  /** A superuser URL of the server to create the database on, instead of the run's server. */
  serverUrl?: string;
}

/**
 * Creates an empty database on `options.serverUrl`, else on the test server named by
 * `PMS_TEST_POSTGRES_URL` (set by `deno task test`, which starts one server for the whole run).
 * Without either, starts a server of its own (see `startPostgres`) and stops it in `drop()`.
 */
export async function createTestDatabase(
  prefix = "t",
  options: CreateTestDatabaseOptions = {},
): Promise<TestDatabase> {
  let serverUrl = options.serverUrl ?? Deno.env.get("PMS_TEST_POSTGRES_URL");
  let stopServer = () => Promise.resolve();
  if (!serverUrl) {
    const pg = await startPostgres({
      databases: [],
      logger: silentLogger(),
      mode: "test",
      fast: true,
    });
    if (!pg.serverUrl) throw new Error("test server has no server URL");
    serverUrl = pg.serverUrl;
    stopServer = pg.stop;
  }
  const name = `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = postgres(databaseUrl(serverUrl, "postgres"), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const login = new URL(databaseUrl(serverUrl, name));
  login.username = `${name}_app`;
  login.password = crypto.randomUUID().replaceAll("-", "");
  return {
    url: databaseUrl(serverUrl, name),
    loginUrl: login.toString(),
    async drop() {
      const sql = postgres(databaseUrl(serverUrl, "postgres"), { max: 1, onnotice: () => {} });
      try {
        await sql.unsafe(`drop database if exists "${name}" with (force)`);
        // Its privileges went with the database; the role owns nothing else.
        await sql.unsafe(`drop role if exists "${name}_app"`);
      } finally {
        await sql.end({ timeout: 5 });
        await stopServer();
      }
    },
  };
}
