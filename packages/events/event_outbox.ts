import { Buffer } from "node:buffer";
import type { Sql, Tx } from "@pms/db";

/**
 * The migration a producing service re-exports (`migrations/0000N_event_outbox.ts`): the outbox
 * its events wait in, encoded as they are published, until the relay
 * ({@linkcode createEventRelay}) has handed them to the broker.
 */
export default async function createEventOutbox(sql: Tx): Promise<void> {
  await sql`
    create table event_outbox (
      id bigserial primary key,
      -- The message key (one key's events share a partition, so they are consumed in order).
      message_key text not null,
      payload bytea not null,
      -- W3C trace context of the request that caused the event.
      traceparent text,
      created_at timestamptz not null default now()
    )`;
}

/** The channel a commit that queued events wakes its relays on (in process, or by `NOTIFY`). */
export const EVENT_OUTBOX_CHANNEL = "event_outbox";

/** An event to queue. */
export interface QueuedEvent {
  key: string;
  payload: Uint8Array;
  traceparent?: string | null;
}

/**
 * The bare insert of `events` into the outbox, in their order, as a fragment for the caller's
 * statement (a CTE of the change's own insert). Its text is the same for any number of events
 * (arrays, not a row of parameters each), so one prepared statement serves every batch. It wakes
 * no relay: the caller signals after the commit (`signalCommit` of `@pms/worker`, channel
 * {@linkcode EVENT_OUTBOX_CHANNEL}).
 */
export function outboxInsert(sql: Tx, events: QueuedEvent[]) {
  const keys = events.map((e) => e.key);
  const payloads = events.map((e) =>
    Buffer.from(e.payload.buffer, e.payload.byteOffset, e.payload.byteLength).toString("hex")
  );
  const traceparents = events.map((e) => e.traceparent ?? null);
  return sql`
    insert into event_outbox (message_key, payload, traceparent)
    select key, decode(payload, 'hex'), traceparent
    from unnest(${keys}::text[], ${payloads}::text[], ${traceparents}::text[])
      with ordinality as e(key, payload, traceparent, n)
    order by n`;
}

/**
 * The insert of `events` into the outbox, waking the relays of every instance at commit
 * (`NOTIFY`), as a fragment: awaited in the change's transaction (the events leave only if it
 * commits).
 */
export function insertOutboxEvents(sql: Tx, events: QueuedEvent[]) {
  return sql`
    with e as (${outboxInsert(sql, events)})
    select pg_notify(${EVENT_OUTBOX_CHANNEL}, '')`;
}

// One relay publishes at a time per database, so events leave in outbox order.
const RELAY_LOCK = 0x65766e74;

/**
 * Hands the oldest `limit` queued events, in order, to `publish` and deletes them once it
 * resolves; if it throws they stay. Resolves with the number published (0 when another relay
 * holds the lock or nothing waits).
 */
export function publishOutboxEvents(
  sql: Sql,
  limit: number,
  publish: (events: (QueuedEvent & { id: string })[]) => Promise<void>,
): Promise<number> {
  return sql.begin(async (tx) => {
    const [lock] = await tx<{ ok: boolean }[]>`select pg_try_advisory_xact_lock(${RELAY_LOCK}) ok`;
    if (!lock?.ok) return 0;
    const events = await tx<(QueuedEvent & { id: string })[]>`
      select id::text, message_key as key, payload, traceparent
      from event_outbox order by id limit ${limit}`;
    if (events.length === 0) return 0;
    await publish([...events]);
    await tx`delete from event_outbox where id = any(${events.map((e) => e.id)}::bigint[])`;
    return events.length;
  });
}
