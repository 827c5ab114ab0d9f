import type { Sql } from "@pms/db";

/** A stored first answer. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What a request with an Idempotency-Key finds. */
export type ClaimOutcome =
  /** The key is this request's: run it, then complete or release the key. */
  | { state: "claimed" }
  /** The key was used for another method, path or body. */
  | { state: "mismatch" }
  /** The first request with the key is still running. */
  | { state: "running" }
  /** The first request's answer, to replay. */
  | { state: "done"; response: StoredResponse };

/** One request's identity under a key. */
export interface KeyedRequest {
  userId: string;
  key: string;
  method: string;
  path: string;
  /** SHA-256 of the body's canonical JSON. */
  hash: Uint8Array;
}

/** Where the keys live: `idempotency_keys`, in the service's own database. */
export interface IdempotencyStore {
  claim(request: KeyedRequest): Promise<ClaimOutcome>;
  /** The answer of a key whose first request was running. */
  lookup(userId: string, key: string): Promise<StoredResponse | undefined>;
  complete(userId: string, key: string, response: StoredResponse): Promise<void>;
  /** Forgets a key whose first request is not to be replayed (5xx, 401, 403, 429). */
  release(userId: string, key: string): Promise<void>;
  /** Deletes expired keys; resolves with how many. */
  deleteExpired(): Promise<number>;
}

/** Options for {@linkcode createIdempotencyStore}. */
export interface IdempotencyStoreOptions {
  /** How long a key and its answer are kept (`IDEMPOTENCY_TTL_SECONDS`, 24 h). */
  ttlSeconds: number;
  /**
   * A first request still running after this long is taken as lost (its process died): a retry
   * may take the key over. Defaults to 60 s.
   */
  abandonAfterSeconds?: number;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** The key store on `idempotency_keys` (each service's migrations make the table). */
export function createIdempotencyStore(
  sql: Sql,
  options: IdempotencyStoreOptions,
): IdempotencyStore {
  const ttl = options.ttlSeconds;
  const abandon = options.abandonAfterSeconds ?? 60;
  return {
    async claim(r) {
      // A new key, an expired one or an abandoned run is taken in one statement; a live key of
      // another request is left as it is and looked at below.
      const claimed = await sql`
        insert into idempotency_keys (user_id, key, method, path, request_hash)
        values (${r.userId}, ${r.key}, ${r.method}, ${r.path}, ${r.hash})
        on conflict (user_id, key) do update set
          method = excluded.method, path = excluded.path, request_hash = excluded.request_hash,
          created_at = now(), status = null, headers = null, body = null
        where idempotency_keys.created_at < now() - make_interval(secs => ${ttl})
           or (idempotency_keys.status is null
               and idempotency_keys.created_at < now() - make_interval(secs => ${abandon}))
        returning 1`;
      if (claimed.length > 0) return { state: "claimed" };
      const [row] = await sql<
        {
          method: string;
          path: string;
          request_hash: Uint8Array;
          status: number | null;
          headers: Record<string, string> | null;
          body: string | null;
        }[]
      >`
        select method, path, request_hash, status, headers, body from idempotency_keys
        where user_id = ${r.userId} and key = ${r.key}`;
      if (!row) return { state: "running" };
      const same = row.method === r.method && row.path === r.path &&
        sameBytes(row.request_hash, r.hash);
      if (!same) return { state: "mismatch" };
      if (row.status === null) return { state: "running" };
      return {
        state: "done",
        response: { status: row.status, headers: row.headers ?? {}, body: row.body ?? "" },
      };
    },
    async lookup(userId, key) {
      const [row] = await sql<
        { status: number | null; headers: Record<string, string> | null; body: string | null }[]
      >`
        select status, headers, body from idempotency_keys
        where user_id = ${userId} and key = ${key}`;
      if (!row || row.status === null) return undefined;
      return { status: row.status, headers: row.headers ?? {}, body: row.body ?? "" };
    },
    async complete(userId, key, response) {
      await sql`
        update idempotency_keys set status = ${response.status},
          headers = ${sql.json(response.headers)}, body = ${response.body}
        where user_id = ${userId} and key = ${key}`;
    },
    async release(userId, key) {
      await sql`delete from idempotency_keys where user_id = ${userId} and key = ${key}`;
    },
    async deleteExpired() {
      const rows = await sql`
        delete from idempotency_keys where created_at < now() - make_interval(secs => ${ttl})
        returning 1`;
      return rows.length;
    },
  };
}
