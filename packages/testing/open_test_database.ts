import { Database } from "@pms/db";
import { createTestDatabase, type CreateTestDatabaseOptions } from "./create_test_database.ts";
import { silentLogger } from "./silent_logger.ts";

/** A migrated database for one test, with its pool; `await using` drops it at the end. */
export interface OpenTestDatabase extends AsyncDisposable {
  /** The pool on it, as the service's own login: only the rights its migrations grant. */
  db: Database;
  /** Its owner's URL (a superuser): for a process under test, or to inspect and tamper. */
  url: string;
  /** The service's own login's URL (the pool's). */
  loginUrl: string;
}

/**
 * Creates an empty database (see `createTestDatabase`), applies `migrations` as its owner, grants
 * the service's own login its rights (`privileges.json` beside the migrations) and opens a pool as
 * that login, as a deployed service runs. Disposing it closes the pool and drops the database:
 *
 * ```ts
 * await using testDb = await openTestDatabase("analytics", new URL("./migrations", import.meta.url));
 * ```
 */
export async function openTestDatabase(
  prefix: string,
  migrations?: URL,
  options: CreateTestDatabaseOptions & { max?: number } = {},
): Promise<OpenTestDatabase> {
  const created = await createTestDatabase(prefix, options);
  try {
    const db = await Database.connect({
      url: created.loginUrl,
      ownerUrl: created.url,
      max: options.max,
      logger: silentLogger(),
      migrationsDir: migrations?.pathname,
    });
    return {
      db,
      url: created.url,
      loginUrl: created.loginUrl,
      async [Symbol.asyncDispose]() {
        try {
          await db.close();
        } finally {
          await created.drop();
        }
      },
    };
  } catch (error) {
    await created.drop();
    throw error;
  }
}
