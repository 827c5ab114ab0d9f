import assert from "node:assert/strict";
import type { AuditRecord } from "./audit_record.ts";
import { outboxLines } from "./audit_outbox.ts";
import { storableAuditRecords } from "./storable_audit_records.ts";

const record: AuditRecord = {
  id: "0190e6b2-7c1a-7def-8abc-0123456789ab",
  time: "2026-01-02T03:04:05.678Z",
  actor: null,
  action: "patient.search",
  outcome: "DENIED",
  patientIds: Array.from(
    { length: 1_001 },
    (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
  ),
  service: "patient",
  clientAddress: null,
  requestId: "req-1",
  traceId: null,
  details: { _format: "json;\u0000", name: "john,\\u0000" },
};

Deno.test("storableAuditRecords() normalises and splits; refuses what is no record", () => {
  const stored = storableAuditRecords([record]);
  assert.equal(stored.length, 2);
  assert.deepEqual(stored.map((r) => r.details._format), ["[invalid]", "[invalid]"]);
  assert.deepEqual(stored.map((r) => r.details.name), ["john,\\u0000", "john,\\u0000"]);
  assert.throws(() => storableAuditRecords([{ ...record, id: "x" }]), /not an audit record/);
});

Deno.test("outboxLines() writes what the audit service will store: one line per part", () => {
  const lines = outboxLines([record]).split("\n").filter(Boolean);
  assert.equal(lines.length, 2);
  for (const line of lines) {
    const [id, json] = line.split("\t");
    const parsed = JSON.parse(json!);
    assert.equal(parsed.id, id);
    assert.equal(parsed.details._format, "[invalid]");
  }
});
