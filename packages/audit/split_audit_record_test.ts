import assert from "node:assert/strict";
import type { AuditRecord } from "./audit_record.ts";
import { splitAuditRecord } from "./split_audit_record.ts";

const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;

function read(patients: number): AuditRecord {
  return {
    id: "0190e6b2-7c1a-7def-8abc-0123456789ab",
    time: "2026-01-02T03:04:05.678Z",
    actor: { userId: "u1", email: "a@b.example", role: "CLINICIAN" },
    action: "group.read",
    outcome: "SUCCESS",
    patientIds: Array.from({ length: patients }, (_, i) => uuid(i)),
    service: "patient",
    clientAddress: null,
    requestId: "req-1",
    traceId: null,
    details: { groupId: "g1" },
  };
}

Deno.test("splitAuditRecord() leaves a record of up to 1,000 patients whole", () => {
  const r = read(1_000);
  assert.deepEqual(splitAuditRecord(r), [r]);
});

Deno.test("splitAuditRecord() splits 2,500 patients into parts of at most 1,000, the same each time", () => {
  const r = read(2_500);
  const parts = splitAuditRecord(r);
  assert.deepEqual(parts.map((p) => p.patientIds.length), [1_000, 1_000, 500]);
  assert.deepEqual(parts.flatMap((p) => p.patientIds), r.patientIds);
  assert.equal(parts[0]!.id, r.id);
  assert.equal(new Set(parts.map((p) => p.id)).size, 3);
  for (const [i, part] of parts.entries()) {
    assert.match(part.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(part.action, "group.read");
    assert.equal(part.requestId, "req-1");
    assert.deepEqual(part.details, { groupId: "g1", part: i + 1, parts: 3 });
  }
  // A redelivered record splits into the very same records (the audit service stores each once).
  assert.deepEqual(splitAuditRecord(r), parts);
  assert.deepEqual(parts.flatMap((p) => splitAuditRecord(p)), parts);
});
