import { type AuditRecord, insertAuditRecords } from "@pms/audit";
import type { Sql, Tx } from "@pms/db";
import { encodeBase64Url } from "./_base64url.ts";
import { revokeUserSessions } from "./session_store.ts";

/** A user's TOTP secret as stored (encrypted), and whether it is active. */
export interface StoredTotp {
  secret: string;
  enabled: boolean;
}

/** What verifying an enrolment did. */
export type ActivateOutcome = "activated" | "enabled" | "none";

/** A live second-step token. */
export interface MfaChallenge {
  hash: Uint8Array;
  userId: string;
}

/** Wrong codes after which a second-step token is dead. */
export const MAX_CHALLENGE_FAILURES = 5;

/** Storage of TOTP secrets, recovery codes and second-step tokens. */
export interface MfaStore {
  /** Stores a new pending secret (replacing a pending one); false when MFA is enabled. */
  begin(userId: string, secret: string, audit?: AuditRecord): Promise<boolean>;
  /** The user's secret, pending or active. */
  totp(userId: string): Promise<StoredTotp | undefined>;
  /** Marks a step's code used; false when it had been (a replay). */
  useStep(userId: string, step: number): Promise<boolean>;
  /**
   * Activates the pending secret, stores the recovery codes' hashes, replacing any, and flags the
   * user, with `audit`, in one transaction. The enrolment's code proves the authenticator holds
   * the secret; it happens once, so it is not marked used: the login right after may type the
   * code still on the screen.
   */
  activate(userId: string, codeHashes: Uint8Array[], audit?: AuditRecord): Promise<ActivateOutcome>;
  /** Spends an unused recovery code; false when there is none such. */
  useRecoveryCode(userId: string, hash: Uint8Array): Promise<boolean>;
  /**
   * Turns MFA off (secret and recovery codes deleted) after the step verified is marked used;
   * false, changing nothing, when it had been used.
   */
  disable(userId: string, step: number, audit?: AuditRecord): Promise<boolean>;
  /**
   * An administrator's reset: MFA off and every session of the user revoked (the revocation
   * every service hears of), with `audit`; false for an unknown user.
   */
  reset(userId: string, audit?: AuditRecord): Promise<boolean>;
  /** A new second-step token (shown once, stored hashed) living `ttlSeconds`. */
  createChallenge(userId: string, ttlSeconds: number): Promise<string>;
  /** The live challenge a token names: unspent, unexpired, fewer than 5 wrong codes. */
  challenge(token: string): Promise<MfaChallenge | undefined>;
  /** Counts a wrong code against a challenge. */
  failChallenge(hash: Uint8Array): Promise<void>;
  /** Spends a live challenge; false when it is not live any more (a concurrent spend). */
  spendChallenge(hash: Uint8Array): Promise<boolean>;
  /** Deletes challenges that have expired; how many. */
  deleteExpiredChallenges(): Promise<number>;
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/** Marks `step` used in `tx`, keeping only the steps still inside the window; false: a replay. */
async function markStep(tx: Tx, userId: string, step: number) {
  const rows = await tx`
    update mfa_totp
    set used_steps = array(select s from unnest(used_steps) s where s >= ${step - 2}::bigint)
      || ${step}::bigint
    where user_id = ${userId} and not (${step}::bigint = any(used_steps))
      and enabled_at is not null
    returning user_id`;
  return rows.length > 0;
}

/** Deletes the user's secret and recovery codes and clears the flag. */
async function turnOff(tx: Tx, userId: string) {
  await tx`delete from mfa_recovery_codes where user_id = ${userId}`;
  await tx`delete from mfa_totp where user_id = ${userId}`;
  return await tx`
    update users set mfa_enabled = false, updated_at = now() where id = ${userId} returning id`;
}

/** The MFA store on the auth service's database. */
export function createMfaStore(sql: Sql): MfaStore {
  return {
    begin(userId, secret, audit) {
      return sql.begin(async (tx) => {
        const [user] = await tx<{ mfa_enabled: boolean }[]>`
          select mfa_enabled from users where id = ${userId} for update`;
        if (!user || user.mfa_enabled) return false;
        await tx`
          insert into mfa_totp (user_id, secret) values (${userId}, ${secret})
          on conflict (user_id) do update
            set secret = excluded.secret, created_at = now(), enabled_at = null, used_steps = '{}'`;
        if (audit) await insertAuditRecords(tx, [audit], true);
        return true;
      });
    },
    async totp(userId) {
      const [row] = await sql<{ secret: string; enabled: boolean }[]>`
        select secret, enabled_at is not null as enabled from mfa_totp where user_id = ${userId}`;
      return row;
    },
    useStep: (userId, step) => sql.begin((tx) => markStep(tx, userId, step)),
    activate(userId, codeHashes, audit) {
      return sql.begin(async (tx): Promise<ActivateOutcome> => {
        const [row] = await tx<{ enabled: boolean }[]>`
          select enabled_at is not null as enabled from mfa_totp where user_id = ${userId}
          for update`;
        if (!row) return "none";
        if (row.enabled) return "enabled";
        await tx`update mfa_totp set enabled_at = now() where user_id = ${userId}`;
        await tx`update users set mfa_enabled = true, updated_at = now() where id = ${userId}`;
        await tx`delete from mfa_recovery_codes where user_id = ${userId}`;
        await tx`
          insert into mfa_recovery_codes ${
          tx(codeHashes.map((hash) => ({ user_id: userId, code_hash: hash })))
        }`;
        if (audit) await insertAuditRecords(tx, [audit], true);
        return "activated";
      });
    },
    async useRecoveryCode(userId, hash) {
      const rows = await sql`
        update mfa_recovery_codes set used_at = now()
        where user_id = ${userId} and code_hash = ${hash} and used_at is null
        returning user_id`;
      return rows.length > 0;
    },
    disable(userId, step, audit) {
      return sql.begin(async (tx) => {
        if (!(await markStep(tx, userId, step))) return false;
        await turnOff(tx, userId);
        if (audit) await insertAuditRecords(tx, [audit], true);
        return true;
      });
    },
    reset(userId, audit) {
      return sql.begin(async (tx) => {
        const found = await turnOff(tx, userId);
        if (found.length === 0) return false;
        await tx`delete from mfa_challenges where user_id = ${userId}`;
        await revokeUserSessions(tx, userId, "mfa reset");
        if (audit) await insertAuditRecords(tx, [audit], true);
        return true;
      });
    },
    async createChallenge(userId, ttlSeconds) {
      const token = encodeBase64Url(crypto.getRandomValues(new Uint8Array(32)));
      await sql`
        insert into mfa_challenges (token_hash, user_id, expires_at)
        values (${await sha256(token)}, ${userId}, now() + make_interval(secs => ${ttlSeconds}))`;
      return token;
    },
    async challenge(token) {
      const hash = await sha256(token);
      const [row] = await sql<{ user_id: string }[]>`
        select user_id from mfa_challenges
        where token_hash = ${hash} and used_at is null and expires_at > now()
          and failures < ${MAX_CHALLENGE_FAILURES}`;
      return row && { hash, userId: row.user_id };
    },
    async failChallenge(hash) {
      await sql`update mfa_challenges set failures = failures + 1 where token_hash = ${hash}`;
    },
    async spendChallenge(hash) {
      const rows = await sql`
        update mfa_challenges set used_at = now()
        where token_hash = ${hash} and used_at is null and expires_at > now()
          and failures < ${MAX_CHALLENGE_FAILURES}
        returning user_id`;
      return rows.length > 0;
    },
    async deleteExpiredChallenges() {
      const rows = await sql`delete from mfa_challenges where expires_at <= now() returning 1`;
      return rows.length;
    },
  };
}
