import type { Sql, Tx } from "@pms/db";
import type { AuditRecord } from "./audit_record.ts";
import { storableAuditRecords } from "./storable_audit_records.ts";

/** Channel notified when a change's transaction queues a record; the relay listens to it. */
export const AUDIT_CHANNEL = "audit_outbox";

// One relay publishes at a time per database, so records leave in outbox order.
const RELAY_LOCK = 0x61756469;

/**
 * The migration every recording service applies (its `migrations/0000N_audit_outbox.ts`
 * re-exports it): the outbox its records wait in until the relay has published them. One row
 * holds a group commit's records as lines of `<id>\t<record JSON>` (JSON has no raw tab or
 * newline), so a batch is one row and one text parameter: no per-record row, index entry or
 * array escaping. Stored uncompressed: compressing rows that live seconds costs more than it saves.
 */
export default async function createAuditOutbox(sql: Tx): Promise<void> {
  await sql`
    create table audit_outbox (
      id bigserial primary key,
      records text not null,
      created_at timestamptz not null default now()
    )`;
  await sql`alter table audit_outbox alter column records set storage external`;
}

/**
 * The outbox form of records: one line per record, `<id>\t<JSON>\n`, each record made storable
 * first (`storableAuditRecords`: odd text redacted or cut, more than 1,000 patients split), so
 * that what leaves the outbox is what the audit service stores.
 */
export function outboxLines(records: AuditRecord[]): string {
  let lines = "";
  for (const record of storableAuditRecords(records)) {
    lines += `${record.id}\t${JSON.stringify(record)}\n`;
  }
  return lines;
}

/**
 * The insert of `records` into the outbox (one row), as a fragment: awaited alone, or embedded as
 * a CTE of a change's own statement (it then commits with the change). `notify` wakes the relay.
 */
export function insertAuditRecords(sql: Tx, records: AuditRecord[], notify = false) {
  const insert = sql`insert into audit_outbox (records) values (${outboxLines(records)})`;
  return notify ? sql`with a as (${insert}) select pg_notify(${AUDIT_CHANNEL}, '')` : insert;
}

/** A record waiting in the outbox: its id (the message key) and its JSON. */
export interface QueuedAuditRecord {
  recordId: string;
  payload: string;
}

/**
 * Hands the records of the oldest `limit` outbox rows, in order, to `publish` and deletes the
 * rows once it resolves; if it throws they stay. Resolves with the number of records published
 * (0 when another relay holds the lock or nothing waits).
 */
export function publishQueuedAuditRecords(
  sql: Sql,
  limit: number,
  publish: (records: QueuedAuditRecord[]) => Promise<void>,
): Promise<number> {
  return sql.begin(async (tx) => {
    const [lock] = await tx<{ ok: boolean }[]>`select pg_try_advisory_xact_lock(${RELAY_LOCK}) ok`;
    if (!lock?.ok) return 0;
    const rows = await tx<{ id: string; records: string }[]>`
      select id::text, records from audit_outbox order by id limit ${limit}`;
    if (rows.length === 0) return 0;
    const records: QueuedAuditRecord[] = [];
    for (const row of rows) {
      for (const line of row.records.split("\n")) {
        const tab = line.indexOf("\t");
        if (tab > 0) records.push({ recordId: line.slice(0, tab), payload: line.slice(tab + 1) });
      }
    }
    await publish(records);
    await tx`delete from audit_outbox where id = any(${rows.map((r) => r.id)}::bigint[])`;
    return records.length;
  });
}
