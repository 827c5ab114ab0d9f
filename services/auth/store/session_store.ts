import { type AuditRecord, insertAuditRecords } from "@pms/audit";
import { encodeBase64Url } from "./_base64url.ts";
import type { Sql, Tx } from "@pms/db";
import { isUuid } from "@pms/ids";
import { recordRevocations } from "./revocation_store.ts";
import type { Role } from "@pms/jwt";

/** A new session's id and its first refresh token (shown once, stored only hashed). */
export interface NewSession {
  sessionId: string;
  refreshToken: string;
}

/** What a refresh token turned out to be. */
export type RefreshOutcome =
  /** Spent now; the session goes on with `refreshToken`. */
  | {
    outcome: "rotated";
    sessionId: string;
    refreshToken: string;
    user: RefreshUser;
    /** The session's login methods (the tokens' `amr`). */
    amr: string[];
  }
  /** Unknown, expired, of an ended session or of a disabled user. */
  | { outcome: "invalid"; reason: InvalidRefreshReason }
  /** Spent before: the session has just been revoked, all its tokens with it. */
  | { outcome: "reused"; sessionId: string; userId: string };

/** Why a refresh token was refused (for the audit record; the client hears only `401`). */
export type InvalidRefreshReason = "unknown" | "idle" | "session-ended" | "disabled";

/** The user a refresh token belongs to. */
export interface RefreshUser {
  id: string;
  email: string;
  role: Role;
  mfaEnabled: boolean;
}

/** Options of {@linkcode rotateRefreshToken}. */
export interface RotateOptions {
  /** A refresh token unused this long is dead. */
  idleSeconds: number;
  /** The refresh's audit record, inserted with the rotation (called only when it succeeds). */
  audit?: (user: RefreshUser) => AuditRecord | undefined;
}

/** A fresh opaque refresh token: 256 random bits, base64url. */
function newRefreshToken(): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

/** SHA-256 of a refresh token: what the database keeps (the token itself is never stored). */
async function hashToken(token: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
}

/**
 * A login: opens a session for `userId` that ends `absoluteSeconds` from now, with its first
 * token, and sets the user's `last_login_at`, in one transaction with the login's audit record.
 * `amr`: how the login authenticated (`["pwd"]`, or `["pwd","otp"]` after a second factor).
 */
export async function createSession(
  sql: Sql,
  userId: string,
  absoluteSeconds: number,
  audit?: AuditRecord,
  amr: string[] = ["pwd"],
): Promise<NewSession> {
  const sessionId = crypto.randomUUID();
  const refreshToken = newRefreshToken();
  const hash = await hashToken(refreshToken);
  await sql.begin(async (tx) => {
    await tx`
      with s as (
        insert into sessions (id, user_id, expires_at, amr)
        values (${sessionId}, ${userId}, now() + make_interval(secs => ${absoluteSeconds}),
                ${amr}::text[])
        returning id),
      t as (insert into refresh_tokens (token_hash, session_id) select ${hash}, id from s)
      update users set last_login_at = now() where id = ${userId}`;
    if (audit) await insertAuditRecords(tx, [audit], true);
  });
  return { sessionId, refreshToken };
}

/**
 * Spends a refresh token and makes the next one of its session, in one transaction with the
 * token's row locked, so that of concurrent refreshes of one token exactly one wins: the others
 * find it spent, which is reuse — the whole session is revoked (no grace).
 */
export function rotateRefreshToken(
  sql: Sql,
  token: string,
  options: RotateOptions,
): Promise<RefreshOutcome> {
  return hashToken(token).then((hash) =>
    sql.begin(async (tx): Promise<RefreshOutcome> => {
      const [row] = await tx<{
        session_id: string;
        used: boolean;
        idle: boolean;
        live: boolean;
        user_id: string;
        email: string;
        role: Role;
        disabled: boolean;
        mfa_enabled: boolean;
        amr: string[];
      }[]>`
        select t.session_id, t.used_at is not null as used, s.amr, u.mfa_enabled,
               t.created_at <= now() - make_interval(secs => ${options.idleSeconds}) as idle,
               s.revoked_at is null and s.expires_at > now() as live,
               u.id as user_id, u.email, u.role, u.disabled
        from refresh_tokens t
          join sessions s on s.id = t.session_id
          join users u on u.id = s.user_id
        where t.token_hash = ${hash}
        for update of t`;
      if (!row) return { outcome: "invalid", reason: "unknown" };
      if (row.used) {
        if (row.live) await revokeSession(tx, row.session_id, "refresh token reused");
        return { outcome: "reused", sessionId: row.session_id, userId: row.user_id };
      }
      if (!row.live) return { outcome: "invalid", reason: "session-ended" };
      if (row.idle) return { outcome: "invalid", reason: "idle" };
      if (row.disabled) return { outcome: "invalid", reason: "disabled" };
      const refreshToken = newRefreshToken();
      await tx`
        with spent as (
          update refresh_tokens set used_at = now() where token_hash = ${hash})
        insert into refresh_tokens (token_hash, session_id)
        values (${await hashToken(refreshToken)}, ${row.session_id})`;
      const user = {
        id: row.user_id,
        email: row.email,
        role: row.role,
        mfaEnabled: row.mfa_enabled,
      };
      const record = options.audit?.(user);
      if (record) await insertAuditRecords(tx, [record], true);
      return { outcome: "rotated", sessionId: row.session_id, refreshToken, user, amr: row.amr };
    })
  );
}

/**
 * Ends a session (idempotent): its refresh tokens die, auth refuses its access tokens, and the
 * revocation is recorded for every other service (within the transaction of `sql`).
 */
export async function revokeSession(sql: Tx, sessionId: string, reason: string): Promise<void> {
  const ended = await sql<{ id: string }[]>`
    update sessions set revoked_at = now(), revoked_reason = ${reason}
    where id = ${sessionId} and revoked_at is null
    returning id`;
  await recordRevocations(sql, { sessionIds: ended.map((row) => row.id) }, reason);
}

/** A logout: ends the session (idempotent) in one transaction with its audit record. */
export async function endSession(
  sql: Sql,
  sessionId: string,
  reason: string,
  audit?: AuditRecord,
): Promise<void> {
  await sql.begin(async (tx) => {
    await revokeSession(tx, sessionId, reason);
    if (audit) await insertAuditRecords(tx, [audit], true);
  });
}

/**
 * Ends every live session of a user, and records the revocations every other service hears of:
 * each ended session, and — without `except` — the user, whose every token issued before now is
 * refused (disable, role change, an administrator's reset; an MFA reset calls it the same way).
 * With `except` (an own password change) that one session goes on.
 */
export async function revokeUserSessions(
  sql: Tx,
  userId: string,
  reason: string,
  except?: string,
): Promise<void> {
  const ended = await sql<{ id: string }[]>`
    update sessions set revoked_at = now(), revoked_reason = ${reason}
    where user_id = ${userId} and revoked_at is null
      and id <> ${except ?? "00000000-0000-0000-0000-000000000000"}
    returning id`;
  await recordRevocations(sql, {
    sessionIds: ended.map((row) => row.id),
    userId: except ? undefined : userId,
  }, reason);
}

/** True while the session is neither revoked nor past its absolute end. */
export async function isSessionLive(sql: Tx, sessionId: string): Promise<boolean> {
  if (!isUuid(sessionId)) return false;
  const [row] = await sql<{ live: boolean }[]>`
    select revoked_at is null and expires_at > now() as live from sessions where id = ${sessionId}`;
  return row?.live ?? false;
}

/** The session operations, bound to the database and the configured lifetimes. */
export interface SessionStore {
  /**
   * Opens a session for the user, with its first refresh token, and records the login (its
   * `last_login_at` and `audit`, in the same transaction); `amr` defaults to `["pwd"]`.
   */
  create(userId: string, audit?: AuditRecord, amr?: string[]): Promise<NewSession>;
  /**
   * Spends a refresh token (see {@linkcode rotateRefreshToken}); `audit` makes the record a
   * successful rotation commits with it.
   */
  rotate(
    refreshToken: string,
    audit?: (user: RefreshUser) => AuditRecord | undefined,
  ): Promise<RefreshOutcome>;
  /** Ends a session (idempotent), with `audit` in the same transaction. */
  revoke(sessionId: string, reason: string, audit?: AuditRecord): Promise<void>;
  /** True while the session may be used. */
  isLive(sessionId: string): Promise<boolean>;
}

/** Lifetimes of sessions and refresh tokens. */
export interface SessionLifetimes {
  idleSeconds: number;
  absoluteSeconds: number;
}

/** The session store on the auth service's database. */
export function createSessionStore(sql: Sql, lifetimes: SessionLifetimes): SessionStore {
  return {
    create: (userId, audit, amr) =>
      createSession(sql, userId, lifetimes.absoluteSeconds, audit, amr),
    rotate: (token, audit) =>
      rotateRefreshToken(sql, token, { idleSeconds: lifetimes.idleSeconds, audit }),
    revoke: (sessionId, reason, audit) => endSession(sql, sessionId, reason, audit),
    isLive: (sessionId) => isSessionLive(sql, sessionId),
  };
}
