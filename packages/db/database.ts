import postgres from "postgres";
import type { Logger } from "@pms/log";
import { backoffDelay } from "@pms/retry";
import { grantLogin } from "./grant_login.ts";
import { readLoginPrivileges } from "./login_privileges.ts";
import { migrate } from "./migrate.ts";
import { withConnection } from "./with_connection.ts";

/** A postgres.js tagged-template client. */
export type Sql = postgres.Sql;

/** What both the pool and a transaction can do: run queries. Store functions take this. */
export type Tx = postgres.ISql;

/** A query fragment (`` sql`…` ``) to embed in another statement, such as a CTE. */
export type Fragment = postgres.PendingQuery<postgres.Row[]>;

/**
 * Seconds a pool connection waits before it connects again after a failure: 20 ms doubling to
 * 250 ms, with jitter (postgres.js grows it to 20 s). Queries waiting for a connection fail one per
 * failed attempt, so a short delay is what makes them fail fast while the server is down, and what
 * lets the pool serve again within a quarter of a second once it is back.
 */
function reconnectDelaySeconds(failures: number): number {
  return backoffDelay(failures, { baseMs: 20, maxMs: 250, jitter: true }) / 1000;
}

/**
 * `url` when `ownerUrl` is a different login of the same database (the pool's login then gets
 * only its rights); undefined when there is no owner URL or it is the same login.
 */
function separateLogin(url: string, ownerUrl: string | undefined, logger: Logger) {
  if (!ownerUrl) return undefined;
  const login = new URL(url);
  const owner = new URL(ownerUrl);
  if (login.pathname !== owner.pathname) {
    throw new Error("DATABASE_OWNER_URL must name the same database as DATABASE_URL");
  }
  if (decodeURIComponent(login.username) === decodeURIComponent(owner.username)) {
    logger.warn("DATABASE_OWNER_URL is the same login as DATABASE_URL: it keeps every right");
    return undefined;
  }
  return url;
}

/** Options for {@linkcode Database.connect}. */
export interface DatabaseOptions {
  /** Connection URL, `postgres://user:pass@host:port/db`: the login the pool runs as. */
  url: string;
  /**
   * The owner login of the same database, when the service's own login (`url`) is a separate,
   * least-privileged one: migrations run as the owner in a short-lived connection, which then
   * creates the login if missing and grants it exactly its rights (`privileges.json` beside the
   * migrations). Unset: `url` owns everything and migrates itself.
   */
  ownerUrl?: string;
  /** Pool size; defaults to 10. */
  max?: number;
  /** Seconds to wait for a connection before failing; defaults to 5, so callers fail fast. */
  connectTimeoutSeconds?: number;
  /** Where connection problems are reported. */
  logger: Logger;
  /** Directory holding `00001_name.sql` migrations, run by {@linkcode Database.migrate}. */
  migrationsDir?: string;
}

/**
 * Owns one service's connection pool. Create it once at start with {@linkcode Database.connect},
 * hand `db.sql` to the storage module, and {@linkcode Database.close} it on shutdown.
 */
export class Database {
  /** The pooled client. */
  readonly sql: Sql;
  readonly #options: DatabaseOptions;

  private constructor(sql: Sql, options: DatabaseOptions) {
    this.sql = sql;
    this.#options = options;
  }

  /**
   * Opens the pool (lazily: connections are made on first use) and, when `migrationsDir` is
   * given, applies pending migrations first (as `ownerUrl`'s login when set, then granting
   * `url`'s login its rights). Throws when `ownerUrl` names another database or server.
   */
  static async connect(options: DatabaseOptions): Promise<Database> {
    const loginUrl = separateLogin(options.url, options.ownerUrl, options.logger);
    if (options.migrationsDir) {
      await migrate({
        url: options.ownerUrl ?? options.url,
        dir: options.migrationsDir,
        logger: options.logger,
        loginUrl,
      });
    } else if (loginUrl && options.ownerUrl) {
      const privileges = await readLoginPrivileges();
      await withConnection(
        options.ownerUrl,
        (sql) => grantLogin(sql, { loginUrl, privileges, logger: options.logger }),
      );
    }
    const sql = postgres(options.url, {
      max: options.max ?? 10,
      connect_timeout: options.connectTimeoutSeconds ?? 5,
      backoff: reconnectDelaySeconds,
      idle_timeout: 60,
      max_lifetime: 60 * 30,
      onnotice: () => {},
      connection: { application_name: "pms" },
    });
    return new Database(sql, options);
  }

  /** True when a trivial query succeeds within `timeoutMs`. */
  async ping(timeoutMs = 2000): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const timeout = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const query = this.sql`select 1`.then(() => true as const);
      return await Promise.race([query, timeout]);
    } catch (error) {
      this.#options.logger.warn("database ping failed", { err: error });
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes every connection, waiting up to `timeoutSeconds` for running queries. */
  async close(timeoutSeconds = 5): Promise<void> {
    await this.sql.end({ timeout: timeoutSeconds });
  }
}
