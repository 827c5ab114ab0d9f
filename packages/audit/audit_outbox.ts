import type { Sql, Tx } from "@pms/db";
import type { AuditRecord } from "./audit_record.ts";

/** Channel notified when a change's transaction queues a record; the relay listens to it. */
export const AUDIT_CHANNEL = "audit_outbox";

// One relay publishes at a time per database, so records leave in outbox order.
const RELAY_LOCK = 0x61756469;

/**
 * The migration every recording service applies (its `migrations/0000N_audit_outbox.ts`
 * re-exports it): the outbox its records wait in until the relay has published them.
 */
export default async function createAuditOutbox(sql: Tx): Promise<void> {
  await sql`
    create table audit_outbox (
      id bigserial primary key,
      record_id uuid not null,
      -- The record's JSON, exactly as it is published to topic audit.
      payload text not null,
      created_at timestamptz not null default now()
    )`;
}

/**
 * The insert of `records` into the outbox, as a fragment: awaited alone, or embedded as a CTE of
 * a change's own statement (it then commits with the change). `notify` wakes the relay at commit.
 */
export function insertAuditRecords(sql: Tx, records: AuditRecord[], notify = false) {
  const insert = sql`
    insert into audit_outbox (record_id, payload)
    select * from unnest(${records.map((r) => r.id)}::uuid[],
                         ${records.map((r) => JSON.stringify(r))}::text[])`;
  return notify ? sql`with a as (${insert}) select pg_notify(${AUDIT_CHANNEL}, '')` : insert;
}

/** A record waiting in the outbox. */
export interface QueuedAuditRecord {
  /** Position in the outbox (bigint as text). */
  id: string;
  recordId: string;
  payload: string;
}

/**
 * Hands the oldest `limit` queued records, in order, to `publish` and deletes them once it
 * resolves; if it throws they stay. Resolves with the number published (0 when another relay
 * holds the lock or nothing waits).
 */
export function publishQueuedAuditRecords(
  sql: Sql,
  limit: number,
  publish: (records: QueuedAuditRecord[]) => Promise<void>,
): Promise<number> {
  return sql.begin(async (tx) => {
    const [lock] = await tx<{ ok: boolean }[]>`select pg_try_advisory_xact_lock(${RELAY_LOCK}) ok`;
    if (!lock?.ok) return 0;
    const rows = await tx<QueuedAuditRecord[]>`
      select id::text, record_id as "recordId", payload
      from audit_outbox order by id limit ${limit}`;
    if (rows.length === 0) return 0;
    await publish([...rows]);
    await tx`delete from audit_outbox where id = any(${rows.map((r) => r.id)}::bigint[])`;
    return rows.length;
  });
}
