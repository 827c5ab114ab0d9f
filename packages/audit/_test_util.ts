import type { AuditRecord } from "./audit_record.ts";

/** A record of a read, `req-<n>` as its request id, naming `patients` random patients. */
export function testRecord(n: number, patients = 1): AuditRecord {
  return {
    id: crypto.randomUUID(),
    time: "2026-01-02T03:04:05.678Z",
    actor: null,
    action: "patient.read",
    outcome: "SUCCESS",
    patientIds: Array.from({ length: patients }, () => crypto.randomUUID()),
    service: "patient",
    clientAddress: null,
    requestId: `req-${n}`,
    traceId: null,
    details: {},
  };
}
