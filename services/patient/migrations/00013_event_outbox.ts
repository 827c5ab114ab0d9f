import type { Tx } from "@pms/db";
import { createEventOutbox } from "@pms/events";

/**
 * The patient events move to the outbox every producing service shares (`event_outbox` of
 * `@pms/events`, message key = patient id), in their order; the service's own table goes.
 */
export default async function eventOutbox(sql: Tx): Promise<void> {
  await createEventOutbox(sql);
  await sql`
    insert into event_outbox (message_key, payload, traceparent, created_at)
    select patient_id::text, payload, traceparent, created_at from outbox_events order by id`;
  await sql`drop table outbox_events`;
}
