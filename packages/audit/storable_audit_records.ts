import type { AuditRecord } from "./audit_record.ts";
import { normaliseAuditRecord } from "./normalise_audit_record.ts";
import { splitAuditRecord } from "./split_audit_record.ts";

/**
 * Records as they are written to an outbox or the audit store: each normalised (see
 * `normaliseAuditRecord`) and split into records of at most 1,000 patients. Throws for a value
 * that is not an audit record at all: a recording service then fails the request (`503`) or the
 * change rather than lose the record.
 */
export function storableAuditRecords(records: readonly unknown[]): AuditRecord[] {
  return records.flatMap((value) => {
    const normalised = normaliseAuditRecord(value);
    if (!normalised.ok) throw new TypeError(`not an audit record: ${normalised.reason}`);
    return splitAuditRecord(normalised.record);
  });
}
