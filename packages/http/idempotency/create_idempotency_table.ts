import type { Tx } from "@pms/db";

/**
 * A migration a service re-exports (`migrations/0000N_idempotency_keys.ts`) to keep
 * Idempotency-Key answers: a creating POST's first answer per user and key, kept
 * `IDEMPOTENCY_TTL_SECONDS` and replayed (see `idempotency()`).
 */
export default async function createIdempotencyTable(sql: Tx): Promise<void> {
  await sql`
    create table idempotency_keys (
      user_id text not null,
      key text not null,
      method text not null,
      path text not null,
      -- SHA-256 of the request body's canonical JSON.
      request_hash bytea not null,
      created_at timestamptz not null default now(),
      -- Null while the first request runs.
      status int,
      headers jsonb,
      body text,
      primary key (user_id, key)
    )`;
  await sql`create index idempotency_keys_created on idempotency_keys (created_at)`;
}
