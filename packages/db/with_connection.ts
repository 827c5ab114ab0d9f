import postgres from "postgres";

/** Options for {@linkcode withConnection}. */
export interface WithConnectionOptions {
  /** Shown in `pg_stat_activity`; defaults to `pms`. */
  applicationName?: string;
  /** Seconds to wait for the connection; defaults to 10. */
  connectTimeoutSeconds?: number;
}

/**
 * Runs `work` on one short-lived connection of `url` and closes it, whatever `work` does: for a
 * login used rarely, such as the owner's for retention, which no pool should keep open.
 */
export async function withConnection<T>(
  url: string,
  work: (sql: postgres.Sql) => Promise<T>,
  options: WithConnectionOptions = {},
): Promise<T> {
  const sql = postgres(url, {
    max: 1,
    connect_timeout: options.connectTimeoutSeconds ?? 10,
    onnotice: () => {},
    connection: { application_name: options.applicationName ?? "pms" },
  });
  try {
    return await work(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
