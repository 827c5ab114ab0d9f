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
 * Commits `records` into the outbox as one row (a group commit's) and resolves with the row's id
 * and lines, which the relay may then publish without reading them back.
 */
export async function commitAuditRecords(
  sql: Sql,
  records: AuditRecord[],
): Promise<{ id: string; lines: string }> {
  const lines = outboxLines(records);
  const [row] = await sql<{ id: string }[]>`
    insert into audit_outbox (records) values (${lines}) returning id::text`;
  return { id: row!.id, lines };
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
 * Outbox rows this process committed and still holds: row id → its lines. The relay publishes
 * them without reading them back (a row of many records is kept out of line, in TOAST). Bounded
 * by size: past {@linkcode RecentOutboxRows.maxChars} characters (while the broker is down, say),
 * rows are read back from the table instead.
 */
export class RecentOutboxRows {
  /** The most characters of lines held (default 8 million, about 3,000 list records). */
  readonly maxChars: number;
  readonly #rows = new Map<string, string>();
  #chars = 0;

  constructor(maxChars = 8_000_000) {
    this.maxChars = maxChars;
  }

  /** Holds a committed row's lines until the relay has published it, if they fit. */
  add(id: string, lines: string): void {
    if (this.#chars + lines.length > this.maxChars || this.#rows.has(id)) return;
    this.#rows.set(id, lines);
    this.#chars += lines.length;
  }

  /** The ids held, for the relay's statement. */
  ids(): string[] {
    return [...this.#rows.keys()];
  }

  /** A held row's lines. */
  get(id: string): string | undefined {
    return this.#rows.get(id);
  }

  /**
   * Forgets rows up to `last` (the newest row a round deleted): published now, or by another
   * process's relay (rows leave in id order).
   */
  forgetThrough(last: number): void {
    for (const [id, lines] of this.#rows) {
      if (Number(id) > last) continue;
      this.#rows.delete(id);
      this.#chars -= lines.length;
    }
  }

  /** How many rows are held. */
  get size(): number {
    return this.#rows.size;
  }
}

/**
 * Hands the records of the oldest `limit` outbox rows, in order, to `publish`; the rows are
 * deleted in the same transaction and come back if `publish` throws. One statement takes the rows
 * and deletes them, and a row held in `recent` (committed by this process) is not read back.
 * Resolves with how many rows and records it published (none when another relay holds the lock
 * or nothing waits); `rows` below `limit` means the outbox was emptied.
 */
export function publishQueuedAuditRecords(
  sql: Sql,
  limit: number,
  publish: (records: QueuedAuditRecord[]) => Promise<void>,
  recent?: RecentOutboxRows,
): Promise<{ rows: number; records: number }> {
  return sql.begin(async (tx) => {
    const [lock] = await tx<{ ok: boolean }[]>`select pg_try_advisory_xact_lock(${RELAY_LOCK}) ok`;
    if (!lock?.ok) return { rows: 0, records: 0 };
    const held = recent?.ids() ?? [];
    // `case` reads `records` (out of line, in TOAST) only for the rows not held in memory.
    const rows = await tx<{ id: string; records: string | null }[]>`
      delete from audit_outbox
      where id in (select id from audit_outbox order by id limit ${limit})
      returning id::text,
        case when id = any(${held}::bigint[]) then null else records end as records`;
    if (rows.length === 0) return { rows: 0, records: 0 };
    // RETURNING follows no order: the rows leave in id order.
    rows.sort((a, b) => Number(a.id) - Number(b.id));
    const records: QueuedAuditRecord[] = [];
    for (const row of rows) {
      const lines = row.records ?? recent?.get(row.id);
      if (lines === undefined) throw new Error(`audit outbox row ${row.id} has no records`);
      for (const line of lines.split("\n")) {
        const tab = line.indexOf("\t");
        if (tab > 0) records.push({ recordId: line.slice(0, tab), payload: line.slice(tab + 1) });
      }
    }
    await publish(records);
    recent?.forgetThrough(Number(rows[rows.length - 1]!.id));
    return { rows: rows.length, records: records.length };
  });
}
