import postgres from "postgres";
import shift from "postgres-shift";
import type { Logger } from "@pms/log";
import { grantLogin } from "./grant_login.ts";
import { readLoginPrivileges } from "./login_privileges.ts";

/** Options for {@linkcode migrate}. */
export interface MigrateOptions {
  /** Connection URL of the service's own database, as the login that owns its objects. */
  url: string;
  /** Directory of numbered migrations: `00001_create_patients.sql`, `00002_…`. */
  dir: string;
  /** Where applied migrations are reported. */
  logger: Logger;
  /**
   * The service's own login when `url` is a separate owner: after the migrations, still under
   * the lock, it is created if missing and granted exactly `<dir>/privileges.json`'s rights.
   */
  loginUrl?: string;
}

// Any constant works; it only has to be the same for every instance of every service.
const MIGRATION_LOCK_KEY = 4_004_000_1;

/**
 * Applies pending migrations with `postgres-shift` (the migration tool by postgres.js' author:
 * numbered files, each in its own transaction, recorded in a `migrations` table).
 *
 * postgres-shift does not guard against two instances starting together, so the whole run holds
 * a session-level advisory lock on a dedicated single connection: the second instance waits,
 * then finds nothing left to do. With `loginUrl`, the grants follow under the same lock, so
 * a starting instance never sees a table its login may not use yet. A login that may not read
 * the `migrations` table (a service's own, migrated by its owner in an init container) applies
 * nothing.
 */
export async function migrate(options: MigrateOptions): Promise<void> {
  const sql = postgres(options.url, {
    max: 1,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: "pms-migrate" },
  });
  try {
    // Read first: a bad privileges.json stops the start before anything is applied.
    const privileges = options.loginUrl ? await readLoginPrivileges(options.dir) : undefined;
    // A service's own login started without DATABASE_OWNER_URL, after an init container
    // (MIGRATE_ONLY) migrated as the owner: the migrations are the owner's, not its to check.
    const [state] = await sql<{ owners: boolean }[]>`
      select to_regclass('migrations') is not null
        and not has_table_privilege(to_regclass('migrations'), 'SELECT') as owners`;
    if (state?.owners) {
      options.logger.info("migrations are the database owner's: not applied by this login");
      return;
    }
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await shift({
        sql,
        path: options.dir,
        after: (migration: { migration_id: number; name: string }) =>
          options.logger.info("migration applied", {
            migrationId: migration.migration_id,
            migration: migration.name,
          }),
      });
      if (options.loginUrl && privileges) {
        await grantLogin(sql, { loginUrl: options.loginUrl, privileges, logger: options.logger });
      }
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}
