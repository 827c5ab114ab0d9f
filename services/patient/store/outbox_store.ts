import { AUDIT_CHANNEL, type AuditRecord, insertAuditRecords } from "@pms/audit";
import type { Sql, Tx } from "@pms/db";
import {
  BILLING_CHANNEL,
  type BillingRequest,
  insertBillingRequest,
} from "./billing_request_store.ts";

/** Channel notified (at commit) when an event is queued; the relay listens to it. */
export const OUTBOX_CHANNEL = "patient_outbox";

// Only one relay publishes at a time (per database), so events leave in id order; the others
// find the lock taken and try again at their next round.
const RELAY_LOCK = 0x70617469;

/** An event waiting in the outbox. */
export interface OutboxEvent {
  /** Position in the outbox (bigint as text). */
  id: string;
  eventId: string;
  eventType: string;
  patientId: string;
  /** The encoded `PatientEvent`, exactly as it is published. */
  payload: Uint8Array;
  /** W3C trace context of the request that caused the change. */
  traceparent: string | null;
}

/**
 * The writes that queue a change's event, its audit record and, for a new patient, the opening
 * of its billing account, as common table expressions (`ctes`, to follow other CTEs after a
 * comma) for the change's own statement, and `wake`, a query notifying the relays and the
 * dispatcher (delivered at commit). A create puts both in its insert: one statement, one round
 * trip, atomic without BEGIN and COMMIT.
 */
export function changeQueue(
  tx: Tx,
  event: Omit<OutboxEvent, "id">,
  billing?: Omit<BillingRequest, "attempts">,
  audit?: AuditRecord,
) {
  const queueEvent = tx`
    insert into outbox_events (event_id, patient_id, event_type, payload, traceparent)
    values (${event.eventId}, ${event.patientId}, ${event.eventType}, ${event.payload},
            ${event.traceparent})`;
  const queueBilling = billing ? tx`, b as (${insertBillingRequest(tx, billing)})` : tx``;
  const queueAudit = audit ? tx`, a as (${insertAuditRecords(tx, [audit])})` : tx``;
  const wakeBilling = billing ? tx`, pg_notify(${BILLING_CHANNEL}, '')` : tx``;
  const wakeAudit = audit ? tx`, pg_notify(${AUDIT_CHANNEL}, '')` : tx``;
  return {
    ctes: tx`e as (${queueEvent}) ${queueBilling} ${queueAudit}`,
    wake: tx`select pg_notify(${OUTBOX_CHANNEL}, '') ${wakeBilling} ${wakeAudit}`,
  };
}

/** A change's queue (see {@linkcode changeQueue}): the CTEs and the wake-up. */
export type ChangeQueue = ReturnType<typeof changeQueue>;

/**
 * Writes a change's queue on its own (for a change whose statement cannot hold it), in the
 * caller's transaction: it leaves only if the transaction commits. One round trip.
 */
export async function enqueueChange(tx: Tx, queue: ChangeQueue): Promise<void> {
  await tx`with ${queue.ctes} ${queue.wake}`;
}

/**
 * Hands the oldest `limit` queued events, in order, to `publish`, and deletes them once it
 * resolves; if it throws they stay queued. Resolves with the number published (0 when another
 * relay holds the lock or nothing is queued).
 */
export function publishQueuedEvents(
  sql: Sql,
  limit: number,
  publish: (events: OutboxEvent[]) => Promise<void>,
): Promise<number> {
  return sql.begin(async (tx) => {
    const [lock] = await tx<{ ok: boolean }[]>`select pg_try_advisory_xact_lock(${RELAY_LOCK}) ok`;
    if (!lock?.ok) return 0;
    const events = await tx<OutboxEvent[]>`
      select id::text, event_id as "eventId", event_type as "eventType", patient_id as "patientId",
             payload, traceparent
      from outbox_events order by id limit ${limit}`;
    if (events.length === 0) return 0;
    await publish([...events]);
    await tx`delete from outbox_events where id = any(${events.map((e) => e.id)}::bigint[])`;
    return events.length;
  });
}
