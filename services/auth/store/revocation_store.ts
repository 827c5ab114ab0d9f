import type { Sql, Tx } from "@pms/db";
import type { Revocation, RevocationPage } from "@pms/revocation";

/** Serializes revocation inserts, so that `seq` order is commit order (see the migration). */
const REVOCATION_LOCK = 0x7265766f;

/** What a revocation ends: sessions by id, and/or every token of a user issued before now. */
export interface RevocationSubject {
  /** Sessions whose tokens are refused. */
  sessionIds?: string[];
  /** A user whose tokens issued before this moment are refused. */
  userId?: string;
}

/**
 * Records revocations in the caller's transaction; every token-verifying service hears of them
 * within a poll once it commits. Nothing is recorded for an empty subject.
 */
export async function recordRevocations(
  tx: Tx,
  subject: RevocationSubject,
  reason: string,
): Promise<void> {
  const sessions = subject.sessionIds ?? [];
  if (sessions.length === 0 && !subject.userId) return;
  await tx`select pg_advisory_xact_lock(${REVOCATION_LOCK})`;
  if (sessions.length > 0) {
    await tx`
      insert into revocations (session_id, reason)
      select unnest(${sessions}::uuid[]), ${reason}`;
  }
  if (subject.userId) {
    // On auth's clock, which `iat` is read from (the database's may differ by a little, and a
    // new login just after the revocation must not be refused for its whole life).
    const issuedBefore = Math.floor(Date.now() / 1000);
    await tx`
      insert into revocations (user_id, issued_before, reason)
      values (${subject.userId}, ${issuedBefore}, ${reason})`;
  }
}

/** Options of {@linkcode createRevocationStore}. */
export interface RevocationStoreOptions {
  /**
   * How long after a revocation a token it refuses may still be alive: the access-token lifetime
   * plus the verifiers' clock tolerance. Entries are answered, and kept, that long.
   */
  liveSeconds: number;
  /** Revocations per answer at most; defaults to 1000. */
  pageSize?: number;
}

/** Reading and pruning the revocation list. */
export interface RevocationStore {
  /** The revocations after `since` whose tokens may still be alive, in order. */
  page(since: number): Promise<RevocationPage>;
  /** Deletes the rows whose tokens have all expired; resolves with how many. */
  deleteExpired(): Promise<number>;
}

interface Row {
  seq: number;
  session_id: string | null;
  user_id: string | null;
  issued_before: number | null;
  at: number;
}

/** The revocation list on the auth service's database. */
export function createRevocationStore(sql: Sql, options: RevocationStoreOptions): RevocationStore {
  const pageSize = options.pageSize ?? 1000;
  const live = options.liveSeconds;
  return {
    async page(since) {
      // The newest row first: every row up to it is committed (inserts are serialized), so a
      // cursor never passes a row that commits later. A cursor past it is another database's
      // (a rebuilt one): the list is answered from the start.
      const [top] = await sql<{ head: number }[]>`
        select coalesce(max(seq), 0)::float8 as head from revocations`;
      const head = top?.head ?? 0;
      const from = since > head ? 0 : since;
      const rows = await sql<Row[]>`
        select seq::float8 as seq, session_id, user_id, issued_before::float8 as issued_before,
               floor(extract(epoch from created_at))::float8 as at
        from revocations
        where seq > ${from} and seq <= ${head}
          and created_at > now() - make_interval(secs => ${live})
        order by seq
        limit ${pageSize}`;
      const more = rows.length === pageSize;
      const revocations = rows.map((row): Revocation =>
        row.session_id ? { sessionId: row.session_id, expires: row.at + live + 1 } : {
          userId: row.user_id ?? "",
          issuedBefore: row.issued_before ?? row.at,
          expires: row.at + live + 1,
        }
      );
      return { cursor: more ? rows.at(-1)!.seq : head, more, revocations };
    },
    async deleteExpired() {
      const deleted = await sql`
        delete from revocations where created_at < now() - make_interval(secs => ${live + 60})`;
      return deleted.count;
    },
  };
}
