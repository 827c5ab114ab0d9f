import assert from "node:assert/strict";
import { withConnection } from "@pms/db";
import { createTestDatabase } from "@pms/testing";
import type { AuditRecord } from "./audit_record.ts";
import { testRecord as record } from "./_test_util.ts";
import { createAuditRecorder } from "./audit_recorder.ts";
import createAuditOutbox, {
  commitAuditRecords,
  insertAuditRecords,
  publishQueuedAuditRecords,
  type QueuedAuditRecord,
  RecentOutboxRows,
} from "./audit_outbox.ts";

const requestIds = (records: QueuedAuditRecord[]) =>
  records.map((r) => (JSON.parse(r.payload) as AuditRecord).requestId);

Deno.test("publishQueuedAuditRecords() publishes the outbox in order, rows held in memory without reading them back, and deletes what it published", async () => {
  const db = await createTestDatabase("outbox");
  try {
    await withConnection(db.url, async (sql) => {
      await sql.begin((tx) => createAuditOutbox(tx));
      const recent = new RecentOutboxRows();
      // A group commit held in memory, a change's row (read back), another held group commit.
      const first = await commitAuditRecords(sql, [record(1), record(2)]);
      recent.add(first.id, first.lines);
      await insertAuditRecords(sql, [record(3)]);
      const last = await commitAuditRecords(sql, [record(4)]);
      recent.add(last.id, last.lines);
      // Were a held row read back, this would be published instead of what was committed.
      await sql`update audit_outbox set records = '' where id in (${first.id}, ${last.id})`;
      const published: QueuedAuditRecord[] = [];
      const round = await publishQueuedAuditRecords(sql, 100, (records) => {
        published.push(...records);
        return Promise.resolve();
      }, recent);
      assert.deepEqual(round, { rows: 3, records: 4 });
      assert.deepEqual(requestIds(published), ["req-1", "req-2", "req-3", "req-4"]);
      assert.ok(published.every((r) => r.recordId === (JSON.parse(r.payload) as AuditRecord).id));
      assert.equal(recent.size, 0);
      const [left] = await sql<{ n: number }[]>`select count(*)::int as n from audit_outbox`;
      assert.equal(left!.n, 0);
    });
  } finally {
    await db.drop();
  }
});

Deno.test("publishQueuedAuditRecords() keeps the rows when publishing fails, and publishes them once the next round", async () => {
  const db = await createTestDatabase("outbox");
  try {
    await withConnection(db.url, async (sql) => {
      await sql.begin((tx) => createAuditOutbox(tx));
      const recent = new RecentOutboxRows();
      const held = await commitAuditRecords(sql, [record(1)]);
      recent.add(held.id, held.lines);
      await insertAuditRecords(sql, [record(2)]);
      await assert.rejects(
        publishQueuedAuditRecords(sql, 100, () => Promise.reject(new Error("broker down")), recent),
        /broker down/,
      );
      const [waiting] = await sql<{ n: number }[]>`select count(*)::int as n from audit_outbox`;
      assert.equal(waiting!.n, 2);
      const published: QueuedAuditRecord[] = [];
      const publish = (records: QueuedAuditRecord[]) => {
        published.push(...records);
        return Promise.resolve();
      };
      // A relay that never held the rows (another process, or after a restart) reads them.
      assert.deepEqual(await publishQueuedAuditRecords(sql, 1, publish), { rows: 1, records: 1 });
      assert.deepEqual(
        await publishQueuedAuditRecords(sql, 1, publish, recent),
        { rows: 1, records: 1 },
      );
      assert.deepEqual(
        await publishQueuedAuditRecords(sql, 1, publish, recent),
        { rows: 0, records: 0 },
      );
      assert.deepEqual(requestIds(published), ["req-1", "req-2"]);
      // The row the other relay published is forgotten here too.
      assert.equal(recent.size, 0);
    });
  } finally {
    await db.drop();
  }
});

Deno.test("RecentOutboxRows holds rows up to its size, and room again once they are forgotten", () => {
  const recent = new RecentOutboxRows(10);
  for (const id of ["1", "2", "3"]) recent.add(id, "abcd");
  assert.deepEqual(recent.ids(), ["1", "2"]);
  recent.forgetThrough(1);
  assert.deepEqual(recent.ids(), ["2"]);
  recent.add("4", "abcdef");
  assert.deepEqual(recent.ids(), ["2", "4"]);
  assert.equal(recent.get("4"), "abcdef");
});

Deno.test("createAuditRecorder() commits each record, with or without a relay listening, and hands the relay the row it committed", async () => {
  const db = await createTestDatabase("outbox");
  try {
    await withConnection(db.url, async (sql) => {
      await sql.begin((tx) => createAuditOutbox(tx));
      const recorder = createAuditRecorder(sql);
      await recorder.record(record(1));
      const rows: { id: string; lines: string }[] = [];
      recorder.onCommit = (row) => void rows.push(row);
      await recorder.record(record(2));
      const stored = await sql<{ id: string; records: string }[]>`
        select id::text, records from audit_outbox order by id`;
      assert.equal(stored.length, 2);
      assert.match(stored[0]!.records, /"requestId":"req-1"/);
      assert.deepEqual(rows, [{ id: stored[1]!.id, lines: stored[1]!.records }]);
    });
  } finally {
    await db.drop();
  }
});
