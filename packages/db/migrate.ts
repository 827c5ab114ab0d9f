import postgres from "postgres";
import shift from "postgres-shift";
import type { Logger } from "@pms/log";

/** Options for {@linkcode migrate}. */
export interface MigrateOptions {
  /** Connection URL of the service's own database. */
  url: string;
  /** Directory of numbered migrations: `00001_create_patients.sql`, `00002_…`. */
  dir: string;
  /** Where applied migrations are reported. */
  logger: Logger;
}

// Any constant works; it only has to be the same for every instance of every service.
const MIGRATION_LOCK_KEY = 4_004_000_1;

/**
 * Applies pending migrations with `postgres-shift` (the migration tool by postgres.js' author:
 * numbered files, each in its own transaction, recorded in a `migrations` table).
 *
 * postgres-shift does not guard against two instances starting together, so the whole run holds
 * a session-level advisory lock on a dedicated single connection: the second instance waits,
 * then finds nothing left to do.
 */
export async function migrate(options: MigrateOptions): Promise<void> {
  const sql = postgres(options.url, {
    max: 1,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: "pms-migrate" },
  });
  try {
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
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}
