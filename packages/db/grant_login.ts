import type postgres from "postgres";
import type { Logger } from "@pms/log";
import type { LoginPrivileges } from "./login_privileges.ts";

/** Options for {@linkcode grantLogin}. */
export interface GrantLoginOptions {
  /** The service's own login, `postgres://login:password@host/db` (its `DATABASE_URL`). */
  loginUrl: string;
  /** What it may do (see `privileges.json`). */
  privileges: LoginPrivileges;
  /** Where a created login and skipped steps are reported. */
  logger: Logger;
}

// postgres-shift's own table and its serial's sequence: only the owner reads or writes them.
const MIGRATIONS = new Set(["migrations", "migrations_migration_id_seq"]);

/**
 * As the database's owner (`sql`, inside the migration lock): creates the service's login when
 * it is missing (the URL's name and password, quoted by `format('%I', '%L')`) or, where the owner
 * may manage roles, sets an existing login's password to the URL's (rotation), lets it connect,
 * and grants it exactly `privileges` on schema `public` — every earlier privilege on a table or
 * sequence is revoked first, in the same transaction. Where the owner owns the database it also
 * takes CREATE and TEMPORARY from PUBLIC (no DDL, no temporary objects that shadow tables), and
 * where it owns schema `public`, CREATE on it (PostgreSQL before 15 gave that to PUBLIC).
 */
export async function grantLogin(sql: postgres.Sql, options: GrantLoginOptions): Promise<void> {
  const url = new URL(options.loginUrl);
  const login = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  if (!login) throw new Error("DATABASE_URL names no login");
  const { privileges, logger } = options;
  await sql.begin(async (tx) => {
    // Every name and the password are quoted by the server (`format`'s %I and %L); the
    // templates and privilege keywords are constants of this module or the validated list.
    const execute = async (template: string, ...args: (string | null)[]) => {
      const params = args.map((_, i) => `, $${i + 2}::text`).join("");
      const [row] = await tx.unsafe<{ ddl: string }[]>(
        `select format($1::text${params}) as ddl`,
        [template, ...args],
      );
      await tx.unsafe(row!.ddl);
    };
    const [exists] = await tx`select 1 from pg_roles where rolname = ${login}`;
    if (!exists) {
      await execute(
        "create role %I login password %L nosuperuser nocreatedb nocreaterole noreplication",
        login,
        password || null,
      );
      logger.info("database login created", { login });
    } else if (password) {
      // A rotated DATABASE_URL password reaches the existing login (an owner allowed to manage
      // roles, e.g. RDS's master user); where the owner may not, the login keeps its password.
      const [may] = await tx<{ may: boolean }[]>`
        select rolsuper or rolcreaterole as may from pg_roles where rolname = current_user`;
      if (may?.may) {
        await tx.savepoint(async (sp) => {
          const [row] = await sp<{ ddl: string }[]>`
            select format('alter role %I password %L', ${login}::text, ${password}::text) as ddl`;
          await sp.unsafe(row!.ddl);
        }).catch((error) => {
          logger.warn("database login's password not updated", { login, err: error });
        });
      }
    }
    const [me] = await tx<{ database: string; owns_database: boolean; owns_public: boolean }[]>`
      select d.datname as database,
             pg_has_role(current_user, d.datdba, 'USAGE') as owns_database,
             pg_has_role(current_user, n.nspowner, 'USAGE') as owns_public
      from pg_database d, pg_namespace n
      where d.datname = current_database() and n.nspname = 'public'`;
    if (!me) throw new Error("no schema public in the database");
    await execute("grant connect on database %I to %I", me.database, login);
    if (me.owns_database) {
      await execute("revoke create, temporary on database %I from public", me.database);
    } else {
      logger.warn("the owner login does not own the database: CREATE and TEMPORARY unchanged");
    }
    if (me.owns_public) {
      await tx`revoke create on schema public from public`;
      await execute("grant usage on schema public to %I", login);
    }

    const relations = await tx<{ name: string; sequence: boolean }[]>`
      select relname as name, relkind = 'S' as sequence from pg_class
      where relnamespace = 'public'::regnamespace and relkind in ('r', 'p', 'v', 'S')
      order by relname`;
    const unknown = Object.keys(privileges.byTable).filter((name) =>
      !relations.some((r) => r.name === name && !r.sequence)
    );
    if (unknown.length > 0) {
      throw new Error(`privileges.json names tables that do not exist: ${unknown.join(", ")}`);
    }
    for (const { name, sequence } of relations) {
      const wanted = MIGRATIONS.has(name)
        ? []
        : sequence
        ? privileges.sequences
        : privileges.byTable[name] ?? privileges.tables;
      const object = sequence ? "sequence" : "table";
      await execute(`revoke all on ${object} %I from %I`, name, login);
      if (wanted.length > 0) {
        await execute(`grant ${wanted.join(", ")} on ${object} %I to %I`, name, login);
      }
    }
  });
  // A SECURITY DEFINER function without a fixed search_path runs as its owner with objects the
  // caller may have put first in the path: report any the login may call.
  const unsafe = await sql<{ name: string }[]>`
    select p.oid::regprocedure::text as name from pg_proc p
    where p.pronamespace = 'public'::regnamespace and p.prosecdef
      and not exists (select 1 from unnest(p.proconfig) c where c like 'search_path=%')
      and has_function_privilege(${login}, p.oid, 'EXECUTE')`;
  for (const { name } of unsafe) {
    logger.warn("the login may call a SECURITY DEFINER function without a search_path", {
      function: name,
    });
  }
}
