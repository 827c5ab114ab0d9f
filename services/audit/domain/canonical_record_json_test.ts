import assert from "node:assert/strict";
import canonicalize from "canonicalize";
import { type AuditRecord, GENESIS_HASH, storableAuditRecords } from "@pms/audit";
import { canonicalRecordJson, type ShownAuditRecord } from "./canonical_record_json.ts";
import { chainRecords, shownRecord } from "./chain_records.ts";
import { makeRandom, randomRecord, seeded } from "./_random_records_test_util.ts";

Deno.test("canonicalRecordJson() writes what canonicalize writes, for random records as stored and as read back", () => {
  const random = seeded(1);
  for (let i = 0; i < 5_000; i++) {
    const [record] = storableAuditRecords([randomRecord(random)]);
    const shown = shownRecord(record!, 1 + Math.floor(random() * 1e9));
    assert.equal(canonicalRecordJson(shown), canonicalize(shown));
    // `verify` hashes the record as PostgreSQL rebuilds it: the same fields plus `hash`.
    const read = JSON.parse(JSON.stringify({ ...shown, hash: "f".repeat(64) }));
    assert.equal(canonicalRecordJson(read), canonicalize(shown));
  }
});

Deno.test("canonicalRecordJson() writes what canonicalize writes, for details of any JSON value, unnormalised", () => {
  const random = seeded(2);
  const r = makeRandom(random);
  const base = shownRecord(storableAuditRecords([randomRecord(random)])[0]!, 7);
  for (let i = 0; i < 5_000; i++) {
    const details = r.object(0);
    // Raw text (lone surrogates and all): canonicalize refuses those, and so must this.
    let expected: string | Error;
    try {
      expected = canonicalize({ ...base, details }) ?? "";
    } catch (error) {
      expected = error as Error;
    }
    if (typeof expected === "string") {
      assert.equal(canonicalRecordJson({ ...base, details }), expected);
    } else {
      assert.throws(() => canonicalRecordJson({ ...base, details }), /Lone surrogate/);
    }
  }
});

Deno.test("canonicalRecordJson() leaves values of another shape to canonicalize", () => {
  const base = shownRecord(storableAuditRecords([randomRecord(seeded(3))])[0]!, 1);
  const odd: ShownAuditRecord[] = [
    { ...base, details: { when: new Date(0), n: [1, undefined, () => 1], s: Symbol("x") } },
    { ...base, details: { toJSON: () => ({ b: 1, a: 2 }) } },
    { ...base, details: { boxed: Object(5), nested: { toJSON: () => undefined } } },
    { ...base, actor: { userId: null, email: "a@b.c", role: null, extra: 1 } as never },
    { ...base, actor: { email: "a@b.c" } as never },
    { ...base, clientAddress: undefined as never },
    // deno-lint-ignore no-sparse-arrays
    { ...base, patientIds: [, "x"] as never },
  ];
  for (const record of odd) {
    const { hash: _h, ...rest } = record as ShownAuditRecord & { hash?: string };
    assert.equal(canonicalRecordJson(record), canonicalize(rest));
  }
  assert.throws(() => canonicalRecordJson({ ...base, details: { n: NaN } }), /NaN/);
  // A lone surrogate among the ids is refused as canonicalize refuses it, also two halves apart.
  for (const patientIds of [["\ud800"], ["\ud800", "\udc00"], ["a\udc00"]]) {
    assert.throws(() => canonicalize({ ...base, patientIds }), /Lone surrogate/);
    assert.throws(() => canonicalRecordJson({ ...base, patientIds }), /Lone surrogate/);
  }
});

Deno.test("chainRecords() chains records to the hashes written before the specialised serializer", async () => {
  // testdata/chain_hashes.json: 300 random records (seed 8785) as they were stored, each with the
  // hash `append` gave it with canonicalize, from the genesis hash, seq 1 on.
  const fixture = JSON.parse(
    await Deno.readTextFile(new URL("./testdata/chain_hashes.json", import.meta.url)),
  ) as { record: AuditRecord; hash: string }[];
  assert.equal(fixture.length, 300);
  const rows = chainRecords(
    fixture.map((entry) => entry.record),
    { seq: 0, hash: GENESIS_HASH },
    new Set(),
  );
  assert.deepEqual(rows.map((row) => row.hash), fixture.map((entry) => entry.hash));
  // Stored again, they are stored the same: normalising a stored record changes nothing.
  const again = chainRecords(
    storableAuditRecords(fixture.map((entry) => entry.record)),
    { seq: 0, hash: GENESIS_HASH },
    new Set(),
  );
  assert.deepEqual(again.map((row) => row.hash), fixture.map((entry) => entry.hash));
});
