import postgres from "postgres";
import { databaseUrl, startPostgres } from "@pms/infra";
import { silentLogger } from "./silent_logger.ts";

/** A database made for one test file. */
export interface TestDatabase {
  /** Its URL. */
  url: string;
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
  return {
    url: databaseUrl(serverUrl, name),
    async drop() {
      const sql = postgres(databaseUrl(serverUrl, "postgres"), { max: 1, onnotice: () => {} });
      try {
        await sql.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await sql.end({ timeout: 5 });
        await stopServer();
      }
    },
  };
}
