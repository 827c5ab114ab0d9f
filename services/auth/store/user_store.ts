import { type AuditRecord, insertAuditRecords } from "@pms/audit";
import { isUniqueViolation, type Sql, type Tx } from "@pms/db";
import { DomainError, DuplicateEmailError } from "@pms/http";
import type { Role } from "@pms/jwt";
import { revokeUserSessions } from "./session_store.ts";

export { DuplicateEmailError };

/** A user as stored. */
export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  passwordHash: string;
  createdAt: Date;
  lastLoginAt: Date | null;
  /** A verified TOTP secret is active: login takes a second step. */
  mfaEnabled: boolean;
}

/** A new user's fields. */
export interface NewUser {
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
}

/** What an administrator may change. */
export interface UserPatch {
  name?: string;
  role?: Role;
  disabled?: boolean;
}

/** A page of users, by email. */
export interface UserQuery {
  page: number;
  size: number;
  /** Part of the email or name, any case. */
  search?: string;
  role?: Role;
}

/** Raised when a change would leave no enabled ADMIN: a `conflict`. */
export class LastAdminError extends DomainError {
  /** Creates the error. */
  constructor() {
    super("conflict", "The last enabled administrator cannot be disabled or demoted");
    this.name = "LastAdminError";
  }
}

/**
 * A change's audit record, made inside its transaction from what the change did (called only
 * when it succeeds; undefined when the call is not audited).
 */
export type AuditOf<T> = (change: T) => AuditRecord | undefined;

/** Storage of the auth service's users. */
export interface UserStore {
  /** The user with this email (case-insensitive), if any. */
  findByEmail(email: string): Promise<User | undefined>;
  findById(id: string): Promise<User | undefined>;
  /** A page of users by email, and how many match. */
  list(query: UserQuery): Promise<{ users: User[]; total: number }>;
  /** Inserts the user, with `audit` in the same transaction. @throws {DuplicateEmailError} */
  create(user: NewUser, audit?: AuditOf<User>): Promise<User>;
  /**
   * Applies `patch`; a role change or `disabled: true` also revokes every session of the user,
   * in the same transaction, as is `audit` (given the names of the fields that changed).
   * Undefined for an unknown id. @throws {LastAdminError}
   */
  update(
    id: string,
    patch: UserPatch,
    audit?: AuditOf<(keyof UserPatch)[]>,
  ): Promise<User | undefined>;
  /**
   * Replaces the password hash and revokes the user's sessions, all of them or all but
   * `keepSession` (an own change keeps the session that made it), with `audit` in the same
   * transaction. False for an unknown id.
   */
  setPassword(
    id: string,
    passwordHash: string,
    options?: { keepSession?: string; audit?: AuditRecord },
  ): Promise<boolean>;
  /** True when at least one enabled ADMIN exists. */
  hasEnabledAdmin(): Promise<boolean>;
  /**
   * Inserts the users `make` gives once per database for the seed `name` (an existing email is
   * left as it is); false, without calling `make`, when it had run before.
   */
  seedOnce(name: string, make: () => Promise<NewUser[]>): Promise<boolean>;
}

// Changes that could remove the last enabled ADMIN run one at a time.
const ADMIN_LOCK = 0x61646d69;

interface Row {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  password_hash: string;
  created_at: Date;
  last_login_at: Date | null;
  mfa_enabled: boolean;
}

const COLUMNS = (sql: Tx) =>
  sql`id, email, name, role, disabled, password_hash, created_at, last_login_at, mfa_enabled`;

function toUser(row: Row): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    disabled: row.disabled,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    lastLoginAt: row.last_login_at,
    mfaEnabled: row.mfa_enabled,
  };
}

/** `%`, `_` and `\` stand for themselves in a search term. */
function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The user store on the service's own database. */
export function createUserStore(sql: Sql): UserStore {
  const one = async (query: Promise<Row[]>) => {
    const [row] = await query;
    return row && toUser(row);
  };
  return {
    findByEmail: (email) =>
      one(sql<Row[]>`select ${COLUMNS(sql)} from users where lower(email) = lower(${email})`),
    findById: (id) => one(sql<Row[]>`select ${COLUMNS(sql)} from users where id = ${id}`),
    async list(query) {
      const conditions = [
        query.search
          ? sql`(email ilike ${likePattern(query.search)} or name ilike ${
            likePattern(query.search)
          })`
          : sql`true`,
        query.role ? sql`role = ${query.role}` : sql`true`,
      ];
      const where = sql`where ${conditions[0]!} and ${conditions[1]!}`;
      const rows = await sql<(Row & { total: number })[]>`
        select ${COLUMNS(sql)}, count(*) over ()::int as total from users ${where}
        order by lower(email), id limit ${query.size} offset ${query.page * query.size}`;
      const total = rows[0]?.total ??
        (await sql<{ n: number }[]>`select count(*)::int as n from users ${where}`)[0]!.n;
      return { users: rows.map(toUser), total };
    },
    async create(user, audit) {
      try {
        return await sql.begin(async (tx) => {
          const created = toUser(
            (await tx<Row[]>`
              insert into users (id, email, name, role, password_hash)
              values (${crypto.randomUUID()}, ${user.email}, ${user.name}, ${user.role},
                      ${user.passwordHash})
              returning ${COLUMNS(tx)}`)[0]!,
          );
          const record = audit?.(created);
          if (record) await insertAuditRecords(tx, [record], true);
          return created;
        });
      } catch (error) {
        if (isUniqueViolation(error, "users_email_unique")) throw new DuplicateEmailError();
        throw error;
      }
    },
    update(id, patch, audit) {
      return sql.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(${ADMIN_LOCK})`;
        const [current] = await tx<Row[]>`
          select ${COLUMNS(tx)} from users where id = ${id} for update`;
        if (!current) return undefined;
        const role = patch.role ?? current.role;
        const disabled = patch.disabled ?? current.disabled;
        const losesAdmin = current.role === "ADMIN" && !current.disabled &&
          (role !== "ADMIN" || disabled);
        if (losesAdmin) {
          const [others] = await tx<{ n: number }[]>`
            select count(*)::int as n from users
            where role = 'ADMIN' and not disabled and id <> ${id}`;
          if ((others?.n ?? 0) === 0) throw new LastAdminError();
        }
        const name = patch.name ?? current.name;
        const [row] = await tx<Row[]>`
          update users set name = ${name}, role = ${role},
            disabled = ${disabled}, updated_at = now()
          where id = ${id} returning ${COLUMNS(tx)}`;
        if (role !== current.role || (disabled && !current.disabled)) {
          await revokeUserSessions(tx, id, role !== current.role ? "role changed" : "disabled");
        }
        const changed = ([
          ["name", name !== current.name],
          ["role", role !== current.role],
          ["disabled", disabled !== current.disabled],
        ] as const).filter(([, differs]) => differs).map(([field]) => field);
        const record = audit?.(changed);
        if (record) await insertAuditRecords(tx, [record], true);
        return toUser(row!);
      });
    },
    setPassword(id, passwordHash, { keepSession, audit } = {}) {
      return sql.begin(async (tx) => {
        const changed = await tx`
          update users set password_hash = ${passwordHash}, updated_at = now() where id = ${id}
          returning id`;
        if (changed.length === 0) return false;
        await revokeUserSessions(tx, id, "password changed", keepSession);
        if (audit) await insertAuditRecords(tx, [audit], true);
        return true;
      });
    },
    async hasEnabledAdmin() {
      const [row] = await sql<{ ok: boolean }[]>`
        select exists (select 1 from users where role = 'ADMIN' and not disabled) as ok`;
      return row?.ok ?? false;
    },
    async seedOnce(name, make) {
      const [done] = await sql`select 1 from seed_runs where name = ${name}`;
      if (done) return false;
      const users = await make();
      return sql.begin(async (tx) => {
        const ran = await tx`
          insert into seed_runs (name) values (${name}) on conflict do nothing returning name`;
        if (ran.length === 0) return false;
        for (const user of users) {
          await tx`
            insert into users (id, email, name, role, password_hash)
            values (${crypto.randomUUID()}, ${user.email}, ${user.name}, ${user.role},
                    ${user.passwordHash})
            on conflict do nothing`;
        }
        return true;
      });
    },
  };
}
