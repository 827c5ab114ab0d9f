import assert from "node:assert/strict";
import { InvalidEventError } from "@pms/events";
import { decodeAuditRecord } from "./audit_record_schema.ts";

const base = {
  id: "0190E6B2-7C1A-7DEF-8ABC-0123456789AB",
  time: "2026-01-02T03:04:05.678Z",
  actor: { userId: "u1", email: "billing@test.com", role: "BILLING" },
  action: "patient.search",
  outcome: "SUCCESS",
  patientIds: ["5d1c1a8e-7d2b-4f3e-9a61-2b8f4c0d9e11"],
  service: "patient",
  clientAddress: "10.0.0.1",
  requestId: "req-1",
  traceId: null,
  details: { api: "fhir" },
};
const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("decodeAuditRecord() stores a record whose content holds NUL, redacted, and keeps the text \\u0000", () => {
  // The security review's probe: `_format=json;%00` copied into details (a real NUL, which JSON
  // carries as the escape \u0000), and `name=john,\u0000` typed as text.
  const message = JSON.stringify({
    ...base,
    details: { api: "fhir", _format: "json;\u0000", name: "john,\\u0000" },
  });
  assert.ok(message.includes("\\u0000"));
  const record = decodeAuditRecord(bytes(message));
  assert.equal(record.id, base.id.toLowerCase());
  assert.deepEqual(record.details, { api: "fhir", _format: "[invalid]", name: "john,\\u0000" });
});

Deno.test("decodeAuditRecord() reads bytes that are not UTF-8 with their text redacted", () => {
  const before = bytes(JSON.stringify({ ...base, details: { search: "AB" } }));
  const at = new TextDecoder().decode(before).indexOf('"AB"') + 1;
  const message = new Uint8Array([
    ...before.slice(0, at),
    0xff,
    0xed,
    0xa0,
    0x80,
    ...before.slice(at),
  ]);
  assert.deepEqual(decodeAuditRecord(message).details, { search: "[invalid]" });
});

Deno.test("decodeAuditRecord() keeps every patient of a large disclosure (split when stored)", () => {
  const patientIds = Array.from(
    { length: 2_500 },
    (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
  );
  assert.equal(
    decodeAuditRecord(bytes(JSON.stringify({ ...base, patientIds }))).patientIds.length,
    2_500,
  );
});

Deno.test("decodeAuditRecord() refuses only messages that are not audit records at all", () => {
  for (
    const [value, reason] of [
      [null, /empty/],
      [bytes(""), /empty/],
      [bytes("not json"), /not JSON/],
      [bytes('"a string"'), /not an audit record/],
      [bytes(JSON.stringify({ ...base, id: "x" })), /id is not a UUID/],
      [bytes(JSON.stringify({ ...base, action: undefined })), /no action/],
      [bytes(JSON.stringify({ ...base, outcome: "SOMETIMES" })), /no outcome/],
    ] as const
  ) {
    assert.throws(() => decodeAuditRecord(value), (e: Error) => {
      assert.ok(e instanceof InvalidEventError);
      assert.match(e.message, reason);
      return true;
    });
  }
});
