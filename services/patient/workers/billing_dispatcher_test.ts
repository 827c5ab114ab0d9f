import assert from "node:assert/strict";
import { status } from "@grpc/grpc-js";
import { openTestDatabase, silentLogger } from "@pms/testing";
import { insertBillingRequest } from "../store/billing_request_store.ts";
import { type BillingAccounts, createBillingDispatcher } from "./billing_dispatcher.ts";

/** A gRPC client error as `@grpc/grpc-js` raises it: an Error with a numeric `code`. */
function grpcError(code: number, details: string) {
  return Object.assign(new Error(`${code} ${details}`), { code, details });
}

Deno.test("createBillingDispatcher() parks a request billing refuses as invalid and retries an outage or a reset stream", async () => {
  await using testDb = await openTestDatabase("patient", new URL("../migrations", import.meta.url));
  const sql = testDb.db.sql;
  const id = () => crypto.randomUUID();
  const [refused, unavailable, cancelled, opened] = [id(), id(), id(), id()];
  for (const patientId of [refused, unavailable, cancelled, opened]) {
    await sql.begin((tx) =>
      insertBillingRequest(tx, { patientId, name: "n", email: "n@example.com", traceparent: null })
    );
  }
  const calls: string[] = [];
  const billing: BillingAccounts = {
    createBillingAccount({ patientId }) {
      calls.push(patientId);
      if (patientId === refused) throw grpcError(status.INVALID_ARGUMENT, "patientId is invalid");
      if (patientId === unavailable) throw grpcError(status.UNAVAILABLE, "connection refused");
      // How grpc-js reports a stream the server reset under load: not a refusal of the request.
      if (patientId === cancelled) throw grpcError(status.CANCELLED, "Call cancelled");
      return Promise.resolve({ accountId: crypto.randomUUID(), status: "ACTIVE" });
    },
  };
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
    while (calls.filter((id) => id === unavailable).length < 3 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await dispatcher.stop();
  }
  const rows = await sql<
    { patient_id: string; attempts: number; parked: boolean; error: string }[]
  >`
    select patient_id, attempts, parked_at is not null as parked, last_error as error
    from billing_requests order by patient_id`;
  const row = (id: string) => rows.find((r) => r.patient_id === id);
  assert.equal(row(opened), undefined, "an opened account's request is deleted");
  assert.equal(row(refused)?.parked, true, "an invalid request is parked");
  assert.equal(row(refused)?.attempts, 1, "and never tried again");
  assert.match(row(refused)?.error ?? "", /invalid/);
  assert.equal(calls.filter((id) => id === refused).length, 1);
  assert.equal(row(unavailable)?.parked, false, "an outage is retried, not parked");
  assert.ok((row(unavailable)?.attempts ?? 0) >= 3);
  assert.equal(row(cancelled)?.parked, false, "a reset stream is retried, not parked");
  assert.ok((row(cancelled)?.attempts ?? 0) >= 2);
});
