import type { AuditRecord } from "@pms/audit";
import type { ReceivedEvent } from "@pms/events";
import type { AuditStore } from "../store/audit_store.ts";

/**
 * The handler of topic `audit`: appends a batch of records to the chain in one transaction.
 * Idempotent: a redelivered record (same id) is stored once. The records are
 * `decodeAuditRecord`'s, already normalised: the store only splits them.
 */
export function storeAuditRecords(
  store: AuditStore,
): (events: ReceivedEvent<AuditRecord>[]) => Promise<void> {
  return async (events) => {
    await store.append(events.map((e) => e.event), { normalised: true });
  };
}
