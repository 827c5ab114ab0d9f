import assert from "node:assert/strict";
import type { AuditRecord } from "@pms/audit";
import { withConnection } from "@pms/db";
import { openTestDatabase } from "@pms/testing";
import { decodeAuditRecord } from "../domain/audit_record_schema.ts";
import { GENESIS_HASH } from "@pms/audit";
import {
  type AuditFilter,
  chainBase,
  createAuditStore,
  type StoredAuditRecord,
} from "./audit_store.ts";

const MIGRATIONS = new URL("../migrations", import.meta.url);
const PATIENT = "5d1c1a8e-7d2b-4f3e-9a61-2b8f4c0d9e11";
const ACTIONS = ["patient.read", "patient.search", "patient.update", "group.read", "auth.login"];

/** The i-th record: actors, actions, outcomes and patients in turn, an hour apart, oldest first. */
function record(i: number, start: number): AuditRecord {
  const user = i % 3;
  return {
    id: crypto.randomUUID(),
    time: new Date(start + i * 3_600_000).toISOString(),
    actor: { userId: `user-${user}`, email: `User${user}@Clinic.example`, role: "CLINICIAN" },
    action: ACTIONS[i % ACTIONS.length]!,
    outcome: i % 7 === 0 ? "DENIED" : i % 11 === 0 ? "FAILED" : "SUCCESS",
    patientIds: i % 2 === 0 ? [PATIENT] : [],
    service: "patient",
    clientAddress: "10.0.0.1",
    requestId: `req-${i}`,
    traceId: null,
    details: {},
  };
}

/** Which of `records` a filter keeps, by the contract's words (the reference for the store). */
function matches(r: AuditRecord, f: AuditFilter): boolean {
  // A user id exactly; an email in any case.
  return (!f.patientId || r.patientIds.includes(f.patientId)) &&
    (!f.actor || r.actor?.userId === f.actor ||
      r.actor?.email.toLowerCase() === f.actor.toLowerCase()) &&
    (!f.action ||
      (f.action.endsWith("*")
        ? r.action.startsWith(f.action.slice(0, -1))
        : r.action === f.action)) &&
    (!f.outcome || r.outcome === f.outcome) &&
    (!f.from || r.time >= f.from) && (!f.to || r.time < f.to);
}

Deno.test("createAuditStore().list() pages and totals each filter as the contract says, before and after a prune", async () => {
  await using testDb = await openTestDatabase("audit", MIGRATIONS);
  const store = createAuditStore(testDb.db.sql);
  const start = Date.UTC(2026, 0, 1);
  const records = Array.from({ length: 60 }, (_, i) => record(i, start));
  assert.equal(await store.append(records), 60);
  const hour = (i: number) => new Date(start + i * 3_600_000).toISOString();
  const filters: AuditFilter[] = [
    {},
    { actor: "user-1" },
    { actor: "user2@clinic.EXAMPLE" },
    { action: "patient.*" },
    { action: "group.read" },
    { outcome: "DENIED" },
    { outcome: "FAILED", actor: "user-0" },
    { patientId: PATIENT, action: "patient.read" },
    { from: hour(10), to: hour(20) },
  ];
  const check = async (kept: AuditRecord[]) => {
    for (const filter of filters) {
      const expected = kept.filter((r) => matches(r, filter)).reverse();
      const page = await store.list(filter, { page: 1, size: 4 });
      const shown: StoredAuditRecord[] = JSON.parse(page.json);
      assert.equal(page.total, expected.length, JSON.stringify(filter));
      assert.deepEqual(
        shown.map((r) => r.id),
        expected.slice(4, 8).map((r) => r.id),
        JSON.stringify(filter),
      );
    }
  };
  await check(records);
  // Retention (the owner's) removes the oldest: the unfiltered total (the span of seq) follows.
  const pruned = await withConnection(
    testDb.url,
    (owner) => createAuditStore(owner).prune(new Date(hour(25))),
  );
  assert.equal(pruned, 25);
  await check(records.slice(25));
  assert.equal(await store.append([record(60, start)]), 1);
  assert.equal((await store.list({}, { page: 0, size: 1 })).total, 36);
});

Deno.test("createAuditStore().list() reaches actor, action and outcome through their indexes", async () => {
  await using testDb = await openTestDatabase("audit", MIGRATIONS);
  const { sql } = testDb.db;
  // A handful of rows would be read whole anyway: forbid that to see which indexes can serve.
  const plan = async (where: string) => {
    const rows = await sql.begin(async (tx) => {
      await tx`set local enable_seqscan = off`;
      return await tx.unsafe(`explain select count(*) from audit_records where ${where}`);
    });
    return rows.map((r) => String(r["QUERY PLAN"])).join("\n");
  };
  assert.match(
    await plan(`actor_user_id = 'x' or lower(actor_email) = lower('X@y.example')`),
    /audit_records_actor_id[\s\S]*audit_records_actor_email/,
  );
  assert.match(await plan(`action like 'patient.%'`), /audit_records_action/);
  assert.match(await plan(`outcome = 'DENIED'`), /audit_records_unsuccessful/);
});

Deno.test("createAuditStore().append() stores odd content redacted and large disclosures split, and the chain verifies", async () => {
  await using testDb = await openTestDatabase("audit", MIGRATIONS);
  const store = createAuditStore(testDb.db.sql);
  const start = Date.UTC(2026, 0, 1);
  const odd: AuditRecord = {
    ...record(1, start),
    requestId: "odd\u0000",
    details: {
      _format: "json;\u0000",
      name: "john,\\u0000",
      surrogate: "\ud800",
      long: "z".repeat(5_000),
      number: 1e21,
      small: 5e-324,
    },
  };
  const big: AuditRecord = {
    ...record(2, start),
    action: "group.read",
    patientIds: Array.from({ length: 2_500 }, () => crypto.randomUUID()),
  };
  // Stored once each, also when delivered again (the parts' ids derive from the record's).
  assert.equal(await store.append([record(0, start), odd, big]), 5);
  assert.equal(await store.append([odd, big]), 0);
  const shown: StoredAuditRecord[] = JSON.parse((await store.list({}, { page: 0, size: 10 })).json);
  const oddShown = shown.find((r) => r.id === odd.id)!;
  assert.equal(oddShown.requestId, "[invalid]");
  assert.equal(oddShown.details._format, "[invalid]");
  assert.equal(oddShown.details.name, "john,\\u0000");
  assert.equal(oddShown.details.surrogate, "[invalid]");
  assert.equal((oddShown.details.long as string).length, 1_000);
  const parts = shown.filter((r) => r.action === "group.read");
  assert.deepEqual(parts.map((r) => r.patientIds.length).sort(), [1_000, 1_000, 500]);
  assert.deepEqual(
    parts.flatMap((r) => r.patientIds).sort(),
    big.patientIds.map((id) => id.toLowerCase()).sort(),
  );
  assert.ok(parts.every((r) => r.requestId === big.requestId && r.details.parts === 3));
  assert.deepEqual(await store.verify(), {
    ok: true,
    records: 5,
    lastHash: shown.toSorted((a, b) => b.seq - a.seq)[0]!.hash,
  });
});

Deno.test("createAuditStore().append() of decoded records stores what a full append stores, to the hashes written before, and the chain verifies", async () => {
  await using testDb = await openTestDatabase("audit", MIGRATIONS);
  const store = createAuditStore(testDb.db.sql);
  // 300 random records as stored, with the hashes they were given (see canonical_record_json_test).
  const fixture = JSON.parse(
    await Deno.readTextFile(new URL("../domain/testdata/chain_hashes.json", import.meta.url)),
  ) as { record: AuditRecord; hash: string }[];
  // As the consumer hands them over: each decoded from its message (so normalised), then split.
  const decoded = fixture.map((entry) =>
    decodeAuditRecord(new TextEncoder().encode(JSON.stringify(entry.record)))
  );
  assert.equal(await store.append(decoded.slice(0, 150), { normalised: true }), 150);
  assert.equal(await store.append(decoded.slice(150), { normalised: true }), 150);
  assert.equal(await store.append(decoded, { normalised: true }), 0);
  const rows = await testDb.db.sql<{ hash: string }[]>`select hash from audit_records order by seq`;
  assert.deepEqual(rows.map((row) => row.hash), fixture.map((entry) => entry.hash));
  assert.deepEqual(await store.verify(), {
    ok: true,
    records: 300,
    lastHash: fixture.at(-1)!.hash,
  });
  // A decoded record naming more than 1,000 patients is still split.
  const big = decodeAuditRecord(new TextEncoder().encode(JSON.stringify({
    ...record(1, Date.UTC(2026, 0, 1)),
    patientIds: Array.from({ length: 2_500 }, () => crypto.randomUUID()),
  })));
  assert.equal(await store.append([big], { normalised: true }), 3);
});

Deno.test("chainBase() follows the stored head unless it is behind the one committed", () => {
  const h = (seq: number, hash: string) => ({ seq, hash });
  assert.deepEqual(chainBase(undefined, undefined), {
    head: h(0, GENESIS_HASH),
    behind: false,
  });
  // Another instance appended since: the stored head is ahead, and followed.
  assert.deepEqual(chainBase(h(9, "b"), h(7, "a")), { head: h(9, "b"), behind: false });
  assert.deepEqual(chainBase(h(7, "a"), h(7, "a")), { head: h(7, "a"), behind: false });
  // The newest records deleted, all of them, or the newest rewritten: the committed one is kept.
  assert.deepEqual(chainBase(h(5, "x"), h(7, "a")), { head: h(7, "a"), behind: true });
  assert.deepEqual(chainBase(undefined, h(7, "a")), { head: h(7, "a"), behind: true });
  assert.deepEqual(chainBase(h(7, "forged"), h(7, "a")), { head: h(7, "a"), behind: true });
});

Deno.test("createAuditStore().append() after the newest records were deleted leaves the gap for verify to name", async () => {
  await using testDb = await openTestDatabase("audit", MIGRATIONS);
  const behind: number[] = [];
  const store = createAuditStore(testDb.db.sql, {
    onHeadBehind: (stored, committed) => behind.push(stored?.seq ?? 0, committed.seq),
  });
  const start = Date.UTC(2026, 0, 1);
  assert.equal(await store.append([0, 1, 2, 3, 4].map((i) => record(i, start))), 5);
  // A superuser behind the triggers deletes the two newest.
  await withConnection(testDb.url, (owner) =>
    owner.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`delete from audit_records where seq >= 4`;
    }));
  const next = record(5, start);
  assert.equal(await store.append([next]), 1);
  assert.deepEqual(behind, [3, 5]);
  const [stored] = await testDb.db.sql<{ seq: string }[]>`
    select seq::text from audit_records where id = ${next.id}`;
  assert.equal(stored!.seq, "6", "numbered after the deleted records, not in their place");
  const report = await store.verify();
  assert.equal(report.ok, false);
  assert.equal(report.firstBadId, next.id);
  // Later appends follow on; the gap stays named.
  assert.equal(await store.append([record(6, start)]), 1);
  assert.equal((await store.verify()).firstBadId, next.id);
});
