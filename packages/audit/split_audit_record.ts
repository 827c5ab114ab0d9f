import { v5 as uuidv5 } from "uuid";
import type { AuditRecord } from "./audit_record.ts";

/** The most patients one record names (the audit service's bound). */
export const MAX_PATIENTS_PER_RECORD = 1_000;

/**
 * A record as records of at most `max` patients each: a larger disclosure (a group of 2,500
 * members read) is split, never left unrecorded. The parts keep the action, actor, outcome,
 * request id and details, and add `details.part` (1, 2, …) and `details.parts`; the first keeps
 * the record's id, the others get ids derived from it (UUIDv5 of the part number, the id as
 * namespace), so splitting the same record again makes the same records and the audit service
 * still stores each once.
 */
export function splitAuditRecord(
  record: AuditRecord,
  max: number = MAX_PATIENTS_PER_RECORD,
): AuditRecord[] {
  if (record.patientIds.length <= max) return [record];
  const parts = Math.ceil(record.patientIds.length / max);
  return Array.from({ length: parts }, (_, i) => ({
    ...record,
    id: i === 0 ? record.id : uuidv5(String(i + 1), record.id),
    patientIds: record.patientIds.slice(i * max, (i + 1) * max),
    details: { ...record.details, part: i + 1, parts },
  }));
}
