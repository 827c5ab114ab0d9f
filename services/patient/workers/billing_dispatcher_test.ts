import assert from "node:assert/strict";
import { status } from "@grpc/grpc-js";
import type { Sql } from "@pms/db";
import { openTestDatabase, silentLogger } from "@pms/testing";
import { insertBillingRequests } from "../store/billing_request_store.ts";
import { type BillingAccounts, createBillingDispatcher } from "./billing_dispatcher.ts";

/** A gRPC client error as `@grpc/grpc-js` raises it: an Error with a numeric `code`. */
function grpcError(code: number, details: string) {
  return Object.assign(new Error(`${code} ${details}`), { code, details });
}

const account = () => ({ accountId: crypto.randomUUID(), status: "ACTIVE" });

/** A fake of billing whose `CreateBillingAccount` (single calls) is never expected. */
const noSingleCalls: BillingAccounts["createBillingAccount"] = () => {
  throw new Error("a single call while the batch call works");
};

/** Queues a billing request for each of `ids`. */
async function queue(sql: Sql, ids: string[]): Promise<void> {
  for (const patientId of ids) {
    await sql.begin((tx) =>
      insertBillingRequests(tx, [{
        patientId,
        name: "n",
        email: "n@example.com",
        traceparent: null,
      }])
    );
  }
}

/** Runs a dispatcher over `billing` until `enough()` (or 10 s), then reads the requests left. */
async function dispatch(sql: Sql, billing: BillingAccounts, enough: () => boolean) {
  const dispatcher = createBillingDispatcher({
    sql,
    billing,
    logger: silentLogger(),
    pollMs: 20,
    retryBaseMs: 10,
    retryMaxMs: 20,
  });
  dispatcher.start();
  try {
    const deadline = Date.now() + 10_000;
    while (!enough() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  } finally {
    await dispatcher.stop();
  }
  const rows = await sql<
    { patient_id: string; attempts: number; parked: boolean; error: string }[]
  >`
    select patient_id, attempts, parked_at is not null as parked, last_error as error
    from billing_requests`;
  return (id: string) => rows.find((r) => r.patient_id === id);
}

Deno.test("createBillingDispatcher() opens a round's accounts in one call and parks an item billing refuses", async () => {
  await using testDb = await openTestDatabase("patient", new URL("../migrations", import.meta.url));
  const sql = testDb.db.sql;
  const [refused, opened, also] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
  await queue(sql, [refused, opened, also]);
  const calls: string[][] = [];
  const row = await dispatch(sql, {
    createBillingAccounts({ items }) {
      calls.push(items.map((item) => item.request.patientId));
      return Promise.resolve({
        results: items.map((item) =>
          item.request.patientId === refused
            ? { accountId: "", status: "", error: "patientId is invalid" }
            : { ...account(), error: "" }
        ),
      });
    },
    createBillingAccount: noSingleCalls,
  }, () => calls.length >= 1);
  assert.equal(calls.length, 1, "one call for the round");
  assert.deepEqual(calls[0]?.toSorted(), [refused, opened, also].toSorted());
  assert.equal(row(opened), undefined, "an opened account's request is deleted");
  assert.equal(row(also), undefined);
  assert.equal(row(refused)?.parked, true, "an item billing refuses is parked");
  assert.equal(row(refused)?.attempts, 1, "and never tried again");
  assert.match(row(refused)?.error ?? "", /invalid/);
});

Deno.test("createBillingDispatcher() retries an outage or a reset stream, and parks a call billing refuses", async () => {
  await using testDb = await openTestDatabase("patient", new URL("../migrations", import.meta.url));
  const sql = testDb.db.sql;
  const retried = crypto.randomUUID();
  await queue(sql, [retried]);
  let calls = 0;
  let row = await dispatch(sql, {
    createBillingAccounts() {
      // How grpc-js reports a stream the server reset under load: not a refusal of the request.
      if (++calls === 1) throw grpcError(status.CANCELLED, "Call cancelled");
      throw grpcError(status.UNAVAILABLE, "connection refused");
    },
    createBillingAccount: noSingleCalls,
  }, () => calls >= 4);
  assert.equal(row(retried)?.parked, false, "an outage or a reset stream is retried, not parked");
  assert.ok((row(retried)?.attempts ?? 0) >= 3);

  await sql`delete from billing_requests`;
  const refused = crypto.randomUUID();
  await queue(sql, [refused]);
  calls = 0;
  row = await dispatch(sql, {
    createBillingAccounts() {
      calls++;
      throw grpcError(status.INVALID_ARGUMENT, "1 to 50 items");
    },
    createBillingAccount: noSingleCalls,
  }, () => calls >= 1);
  assert.equal(calls, 1);
  assert.equal(row(refused)?.parked, true, "a call billing refuses for good is parked");
  assert.equal(row(refused)?.attempts, 1);
});

Deno.test("createBillingDispatcher() opens accounts one call each while billing has no batch call", async () => {
  await using testDb = await openTestDatabase("patient", new URL("../migrations", import.meta.url));
  const sql = testDb.db.sql;
  const ids = [crypto.randomUUID(), crypto.randomUUID()];
  await queue(sql, ids);
  let batchCalls = 0;
  const single: string[] = [];
  const row = await dispatch(sql, {
    createBillingAccounts() {
      batchCalls++;
      throw grpcError(status.UNIMPLEMENTED, "The server does not implement the method");
    },
    createBillingAccount({ patientId }) {
      single.push(patientId);
      return Promise.resolve(account());
    },
  }, () => single.length >= 2);
  assert.equal(batchCalls, 1, "not asked again within the minute");
  assert.deepEqual(single.toSorted(), ids.toSorted());
  for (const id of ids) assert.equal(row(id), undefined, "opened, not parked");
});
