import assert from "node:assert/strict";
import type { AuditRecord } from "./audit_record.ts";
import { normaliseAuditRecord } from "./normalise_audit_record.ts";

const PATIENT = "5d1c1a8e-7d2b-4f3e-9a61-2b8f4c0d9e11";

function record(changes: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "0190e6b2-7c1a-7def-8abc-0123456789ab",
    time: "2026-01-02T03:04:05.678Z",
    actor: { userId: "u1", email: "a@b.example", role: "CLINICIAN" },
    action: "patient.search",
    outcome: "SUCCESS",
    patientIds: [PATIENT],
    service: "patient",
    clientAddress: "10.0.0.1",
    requestId: "req-1",
    traceId: null,
    details: { search: "john" },
    ...changes,
  };
}

function normalised(value: unknown): AuditRecord {
  const result = normaliseAuditRecord(value, { now: () => new Date(Date.UTC(2026, 5, 1)) });
  assert.ok(result.ok, JSON.stringify(result));
  return result.record;
}

Deno.test("normaliseAuditRecord() keeps an ordinary record as it is", () => {
  assert.deepEqual(normalised(record()), record());
});

Deno.test("normaliseAuditRecord() redacts text that cannot be stored as given, keeps the text \\u0000", () => {
  const r = normalised(record({
    details: {
      nul: "john\u0000",
      control: "a\u0001b",
      escape: "\u001b[31m",
      c1: "a\u0085b",
      bidi: "a\u202eb",
      loneSurrogate: "a\ud800b",
      tab: "a\tb",
      lines: "a\r\nb\nc",
      escapeText: "john,\\u0000",
      jsonLooking: '{"a":[1,{"$gt":""}]}',
      letters: "Zoë 李 👩‍⚕️",
      nested: { list: ["ok", "\u0000", 1, true, null] },
    },
    requestId: "r\u0000",
    clientAddress: "10.0.0.1\u202e",
    actor: { userId: "u\u0000", email: "\ud800@x", role: null },
  }));
  assert.deepEqual(r.details, {
    nul: "[invalid]",
    control: "[invalid]",
    escape: "[invalid]",
    c1: "[invalid]",
    bidi: "[invalid]",
    loneSurrogate: "[invalid]",
    // Free text (a justification, a note) keeps its line breaks and tabs.
    tab: "a\tb",
    lines: "a\r\nb\nc",
    escapeText: "john,\\u0000",
    jsonLooking: '{"a":[1,{"$gt":""}]}',
    letters: "Zoë 李 👩‍⚕️",
    nested: { list: ["ok", "[invalid]", 1, true, null] },
  });
  assert.equal(r.requestId, "[invalid]");
  assert.equal(r.clientAddress, "[invalid]");
  assert.deepEqual(r.actor, { userId: "[invalid]", email: "[invalid]", role: null });
  // Nothing PostgreSQL's jsonb refuses is left.
  assert.doesNotMatch(JSON.stringify(r), /(?<!\\)\\u0000|\\ud[89ab]/i);
});

Deno.test("normaliseAuditRecord() cuts long text and bounds details in breadth, depth and size", () => {
  const long = "x".repeat(5_000);
  const deep = { a: { b: { c: { d: { e: "too deep" } } } } };
  const r = normalised(record({
    requestId: "r".repeat(500),
    details: {
      long,
      emoji: "a" + "👩".repeat(600),
      items: Array.from({ length: 250 }, (_, i) => i),
      keys: Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`k${i}`, i])),
      deep,
      ["k".repeat(300)]: 1,
    },
  }));
  const d = r.details as Record<string, unknown>;
  assert.equal(r.requestId!.length, 200);
  assert.match(r.requestId!, /…\[truncated\]$/);
  assert.equal((d.long as string).length, 1_000);
  assert.match(d.long as string, /^x+…\[truncated\]$/);
  // Never half a surrogate pair.
  assert.ok((d.emoji as string).isWellFormed());
  assert.equal((d.items as unknown[]).length, 100);
  assert.equal((d.items as unknown[]).at(-1), "[truncated]");
  assert.equal(Object.keys(d.keys as object).length, 50);
  assert.equal((d.keys as Record<string, unknown>)["[truncated]"], 31);
  assert.deepEqual(d.deep, { a: { b: { c: "[truncated]" } } });
  assert.ok(Object.keys(d).some((k) => k.length === 100 && k.endsWith("…[truncated]")));
  // However much is sent, details stay small.
  const huge = normalised(record({
    details: Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`v${i}`, long])),
  }));
  assert.ok(JSON.stringify(huge.details).length < 20_000);
});

Deno.test("normaliseAuditRecord() keeps UUID patients once, counts others, and fixes an unusable time", () => {
  const r = normalised(record({
    patientIds: [PATIENT.toUpperCase(), PATIENT, "nope", 42],
    time: "yesterday",
    details: "not an object",
  }));
  assert.deepEqual(r.patientIds, [PATIENT]);
  assert.deepEqual(r.details, {
    details: "[invalid]",
    invalidPatientIds: 2,
    recordedTime: "yesterday",
  });
  assert.equal(r.time, "2026-06-01T00:00:00.000Z");
  for (
    const time of [
      "2026-02-30T00:00:00Z",
      "2026-01-01T24:00:00Z",
      "+010000-01-01T00:00:00Z",
      "1900-01-01T00:00:00Z",
    ]
  ) {
    assert.equal(normalised(record({ time })).time, "2026-06-01T00:00:00.000Z", time);
  }
  assert.equal(
    normalised(record({ time: "2026-01-02T04:04:05+01:00" })).time,
    "2026-01-02T03:04:05.000Z",
  );
  const odd = normalised(record({ action: "Patient.READ", service: "x y", actor: "someone" }));
  assert.equal(odd.action, "[invalid]");
  assert.equal(odd.service, "[invalid]");
  assert.deepEqual(odd.actor, { userId: null, email: "[invalid]", role: null });
});

Deno.test("normaliseAuditRecord() refuses only what is no audit record at all", () => {
  for (
    const [value, reason] of [
      [null, "not a JSON object"],
      [[record()], "not a JSON object"],
      ["record", "not a JSON object"],
      [record({ id: "42" }), "id is not a UUID"],
      [record({ action: undefined }), "no action"],
      [record({ action: "" }), "no action"],
      [record({ outcome: "MAYBE" }), "no outcome"],
    ] as const
  ) {
    assert.deepEqual(normaliseAuditRecord(value), { ok: false, reason });
  }
});

Deno.test("normaliseAuditRecord() redacts U+FFFD after a lossy decode only, and is idempotent", () => {
  const value = record({
    details: { search: "a\ufffdb", key: JSON.parse('{"__proto__": "kept", "\\u0000": 1}') },
  });
  assert.equal((normalised(value).details as Record<string, unknown>).search, "a\ufffdb");
  const lossy = normaliseAuditRecord(value, { lossy: true });
  assert.ok(lossy.ok);
  assert.equal(lossy.record.details.search, "[invalid]");
  const once = normalised(value);
  assert.deepEqual(Object.keys(once.details.key as object), ["__proto__", "[invalid]"]);
  assert.deepEqual(normalised(once), once);
  const cut = normalised(
    record({ details: { long: "y".repeat(9_000), many: Array(500).fill(1) } }),
  );
  assert.deepEqual(normalised(JSON.parse(JSON.stringify(cut))), cut);
});
