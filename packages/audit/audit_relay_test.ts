import assert from "node:assert/strict";
import { withConnection } from "@pms/db";
import type { EventPublisher, OutgoingMessage } from "@pms/events";
import { Logger } from "@pms/log";
import { createTestDatabase } from "@pms/testing";
import { testRecord } from "./_test_util.ts";
import createAuditOutbox, { commitAuditRecords } from "./audit_outbox.ts";
import { createAuditRelay } from "./audit_relay.ts";

Deno.test("createAuditRelay() publishes a large round in order, in requests of at most 512 KB", async () => {
  const db = await createTestDatabase("relay");
  try {
    await withConnection(db.url, async (sql) => {
      await sql.begin((tx) => createAuditOutbox(tx));
      // Three group commits of ten records of 1,000 patients each (about 39 KB a record): about
      // 1.2 MB, more than a partition's batch.
      const committed: string[] = [];
      for (let row = 0; row < 3; row++) {
        const records = Array.from({ length: 10 }, (_, i) => testRecord(row * 10 + i, 1_000));
        await commitAuditRecords(sql, records);
        committed.push(...records.map((r) => r.id));
      }
      const requests: OutgoingMessage[][] = [];
      const publisher: EventPublisher = {
        publish(messages) {
          requests.push(messages);
          return Promise.resolve();
        },
        close: () => Promise.resolve(),
      };
      const relay = createAuditRelay({
        sql,
        publisher,
        logger: new Logger({ service: "test", level: "error" }),
        pollMs: 60_000,
      });
      relay.start();
      try {
        for (let wait = 0; requests.flat().length < committed.length && wait < 200; wait++) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      } finally {
        await relay.stop();
      }
      assert.deepEqual(requests.flat().map((m) => m.key), committed);
      assert.ok(requests.length >= 3, `${requests.length} requests`);
      for (const request of requests) {
        const bytes = request.reduce((sum, m) => sum + m.value.length, 0);
        assert.ok(bytes <= 512 * 1024, `a request of ${bytes} bytes`);
      }
      const [left] = await sql<{ n: number }[]>`select count(*)::int as n from audit_outbox`;
      assert.equal(left!.n, 0);
    });
  } finally {
    await db.drop();
  }
});
