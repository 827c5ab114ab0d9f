import assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import { createBillingClient, MAX_ACCOUNTS_PER_CALL, MAX_CALLS_PER_ROUND } from "@pms/billing-api";
import { Database } from "@pms/db";
import { freePort } from "@pms/infra";
import { Logger } from "@pms/log";
import { createTestDatabase, silentLogger } from "@pms/testing";
import { createBillingAccountStore } from "../store/billing_account_store.ts";
import { startGrpcServer } from "./grpc_server.ts";
import { healthCheck, healthWatch } from "./_test_util.ts";

const MIGRATIONS = new URL("../migrations", import.meta.url).pathname;

/** A real database, the gRPC server on a free loopback port, and a client of it. */
async function startBilling(options: { logger?: Logger; databaseUrl?: string } = {}) {
  const testDb = options.databaseUrl ? undefined : await createTestDatabase("billing");
  const db = await Database.connect({
    url: options.databaseUrl ?? testDb!.url,
    logger: silentLogger(),
    connectTimeoutSeconds: 1,
    migrationsDir: testDb ? MIGRATIONS : undefined,
  });
  const server = await startGrpcServer({
    host: "127.0.0.1",
    port: 0,
    accounts: createBillingAccountStore(db.sql),
    currency: "USD",
    sql: db.sql,
    logger: options.logger ?? silentLogger(),
    ping: () => db.ping(500),
  });
  const address = `127.0.0.1:${server.port}`;
  const client = createBillingClient({ address, deadlineMs: 5000 });
  return {
    db,
    address,
    client,
    async close() {
      client.close();
      await server.stop();
      await db.close();
      await testDb?.drop();
    },
  };
}

Deno.test("CreateBillingAccount() opens an account and returns the same one when repeated", async () => {
  const billing = await startBilling();
  try {
    const patientId = crypto.randomUUID();
    const first = await billing.client.createBillingAccount({
      patientId,
      name: "Ada Lovelace",
      email: "ada@example.com",
    });
    assert.match(first.accountId, /^[0-9a-f-]{36}$/);
    assert.equal(first.status, "ACTIVE");
    const again = await billing.client.createBillingAccount({ patientId, name: "", email: "" });
    assert.deepEqual(again, first);
    const other = await billing.client.createBillingAccount({
      patientId: crypto.randomUUID(),
      name: "n",
      email: "e@example.com",
    });
    assert.notEqual(other.accountId, first.accountId);
    // Data minimisation: the row holds no name or email.
    const [row] = await billing.db
      .sql`select * from billing_accounts where patient_id = ${patientId}`;
    assert.deepEqual(Object.keys(row!).sort(), [
      "account_id",
      "balance",
      "created_at",
      "currency",
      "patient_id",
      "status",
    ]);
  } finally {
    await billing.close();
  }
});

Deno.test("CreateBillingAccounts() opens a batch's accounts, finds open ones and refuses bad items alone", async () => {
  const lines: Record<string, unknown>[] = [];
  const billing = await startBilling({
    logger: new Logger({ service: "billing", write: (line) => lines.push(JSON.parse(line)) }),
  });
  try {
    const open = crypto.randomUUID();
    const { accountId } = await billing.client.createBillingAccount({
      patientId: open,
      name: "n",
      email: "e@x.org",
    });
    const fresh = [crypto.randomUUID(), crypto.randomUUID().toUpperCase()];
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const item = (patientId: string) => ({
      request: { patientId, name: "Ada Lovelace", email: "ada@example.com" },
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    });
    const { results } = await billing.client.createBillingAccounts({
      items: [item(fresh[0]!), item("not-a-uuid"), item(open), item(fresh[1]!), item(fresh[0]!)],
    });
    assert.equal(results.length, 5);
    const [first, bad, existing, upper, repeated] = results;
    assert.equal(bad?.error, "patientId must be a UUID");
    assert.equal(bad?.accountId, "");
    assert.deepEqual(existing, { accountId, status: "ACTIVE", error: "" });
    assert.equal(first?.status, "ACTIVE");
    assert.equal(first?.error, "");
    assert.equal(repeated?.accountId, first?.accountId, "a patient named twice has one account");
    assert.match(upper?.accountId ?? "", /^[0-9a-f-]{36}$/);
    const rows = await billing.db.sql<{ patient_id: string; account_id: string }[]>`
      select patient_id, account_id from billing_accounts order by patient_id`;
    assert.equal(rows.length, 3);
    assert.equal(
      rows.find((r) => r.patient_id === fresh[1]!.toLowerCase())?.account_id,
      upper?.accountId,
    );
    // Each account is logged in its item's trace, without patient data.
    const traced = (msg: string) => lines.filter((l) => l.msg === msg && l.traceId === traceId);
    assert.equal(traced("billing account opened").length, 2);
    assert.equal(traced("billing account already open").length, 2);
    assert.ok(!JSON.stringify(lines).includes("Ada"));

    for (
      const items of [
        [],
        Array.from({ length: MAX_ACCOUNTS_PER_CALL + 1 }, () => item(crypto.randomUUID())),
      ]
    ) {
      await assert.rejects(
        billing.client.createBillingAccounts({ items }),
        (error: grpc.ServiceError) => error.code === grpc.status.INVALID_ARGUMENT,
      );
    }
    const [count] = await billing.db.sql<{ n: number }[]>`
      select count(*)::int as n from billing_accounts`;
    assert.equal(count?.n, 3, "a refused batch opens nothing");
  } finally {
    await billing.close();
  }
});

Deno.test("CreateBillingAccount() called by a whole round at once for one patient makes one account", async () => {
  const billing = await startBilling();
  try {
    const patientId = crypto.randomUUID();
    // As many calls as a client sends together: a session that carried about twenty streams
    // aborts the process inside nghttp2 when it is closed (see MAX_CALLS_PER_ROUND).
    const replies = await Promise.all(
      Array.from(
        { length: MAX_CALLS_PER_ROUND },
        () => billing.client.createBillingAccount({ patientId, name: "n", email: "e@x.org" }),
      ),
    );
    assert.equal(new Set(replies.map((r) => r.accountId)).size, 1);
    const [row] = await billing.db.sql<{ count: number }[]>`
      select count(*)::int as count from billing_accounts where patient_id = ${patientId}`;
    assert.equal(row?.count, 1);
  } finally {
    await billing.close();
  }
});

Deno.test("CreateBillingAccount() refuses a patientId that is not a UUID with INVALID_ARGUMENT", async () => {
  const billing = await startBilling();
  try {
    for (const patientId of ["", "42", "not-a-uuid", "123e4567-e89b-12d3-a456-42661417400"]) {
      await assert.rejects(
        billing.client.createBillingAccount({ patientId, name: "n", email: "e@x.org" }),
        (error: grpc.ServiceError) => {
          assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
          assert.equal(error.details, "patientId must be a UUID");
          return true;
        },
      );
    }
    const [row] = await billing.db.sql<{ count: number }[]>`
      select count(*)::int as count from billing_accounts`;
    assert.equal(row?.count, 0);
  } finally {
    await billing.close();
  }
});

Deno.test("CreateBillingAccount() logs with the caller's trace id and without patient data", async () => {
  const lines: Record<string, unknown>[] = [];
  const logger = new Logger({ service: "billing", write: (line) => lines.push(JSON.parse(line)) });
  const billing = await startBilling({ logger });
  try {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    await billing.client.createBillingAccount(
      { patientId: crypto.randomUUID(), name: "Grace Hopper", email: "grace@example.com" },
      { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    );
    const callLines = lines.filter((l) => l.rpc === "CreateBillingAccount");
    assert.ok(callLines.length >= 2);
    for (const line of callLines) assert.equal(line.traceId, traceId);
    assert.ok(callLines.some((l) => l.msg === "rpc" && l.status === "OK"));
    const all = JSON.stringify(lines);
    assert.ok(!all.includes("Grace") && !all.includes("grace@example.com"));
  } finally {
    await billing.close();
  }
});

Deno.test("Health.Check() answers SERVING when the database answers", async () => {
  const billing = await startBilling();
  try {
    assert.deepEqual(await healthCheck(billing.address), { status: "SERVING" });
    assert.deepEqual(await healthCheck(billing.address, "BillingService"), { status: "SERVING" });
    await assert.rejects(healthCheck(billing.address, "Nope"), (error: grpc.ServiceError) => {
      assert.equal(error.code, grpc.status.NOT_FOUND);
      return true;
    });
  } finally {
    await billing.close();
  }
});

Deno.test("CreateBillingAccount(), GetAccount() and ListInvoices() are UNAVAILABLE and Health NOT_SERVING while the database is down", async () => {
  const billing = await startBilling({
    databaseUrl: `postgres://postgres@127.0.0.1:${freePort()}/billing`,
  });
  try {
    await assert.rejects(
      billing.client.createBillingAccount({
        patientId: crypto.randomUUID(),
        name: "n",
        email: "e@x.org",
      }),
      (error: grpc.ServiceError) => {
        assert.equal(error.code, grpc.status.UNAVAILABLE);
        return true;
      },
    );
    const patientId = crypto.randomUUID();
    for (
      const call of [
        () => billing.client.getAccount({ patientId }),
        () => billing.client.listInvoices({ patientId }),
      ]
    ) {
      await assert.rejects(call(), (error: grpc.ServiceError) => {
        assert.equal(error.code, grpc.status.UNAVAILABLE);
        assert.equal(error.details, "Billing database unavailable");
        return true;
      });
    }
    assert.deepEqual(await healthCheck(billing.address), { status: "NOT_SERVING" });
  } finally {
    await billing.close();
  }
});

Deno.test("Health.Watch() streams the status and ends when the server stops", async () => {
  const billing = await startBilling();
  let closed = false;
  try {
    const known = healthWatch(billing.address);
    const unknown = healthWatch(billing.address, "Nope");
    await known.received(1);
    await unknown.received(1);
    assert.deepEqual(known.statuses, ["SERVING"]);
    assert.deepEqual(unknown.statuses, ["SERVICE_UNKNOWN"]);
    const started = Date.now();
    await billing.close();
    closed = true;
    assert.ok(Date.now() - started < 2500, "stop did not wait for the forced shutdown");
    assert.equal((await known.ended).code, grpc.status.OK);
    assert.equal((await unknown.ended).code, grpc.status.OK);
  } finally {
    if (!closed) await billing.close();
  }
});

const notFound = (error: grpc.ServiceError) => {
  assert.equal(error.code, grpc.status.NOT_FOUND);
  assert.equal(error.details, "Billing account not found");
  return true;
};

Deno.test("GetAccount() returns the patient's account with its balance as a number", async () => {
  const billing = await startBilling();
  try {
    const patientId = crypto.randomUUID();
    const { accountId } = await billing.client.createBillingAccount({
      patientId,
      name: "n",
      email: "e@x.org",
    });
    assert.deepEqual(await billing.client.getAccount({ patientId }), {
      accountId,
      patientId,
      status: "ACTIVE",
      currency: "USD",
      balance: 0,
    });
    // int64 both ways: owed far beyond 2^32, and credit (negative).
    for (const balance of [100_000_000_000_000, -12_345]) {
      await billing.db.sql`
        update billing_accounts set balance = ${balance} where account_id = ${accountId}`;
      const account = await billing.client.getAccount({ patientId });
      assert.equal(account.balance, balance);
    }
  } finally {
    await billing.close();
  }
});

Deno.test("GetAccount() is NOT_FOUND without an account and INVALID_ARGUMENT for a non-UUID", async () => {
  const billing = await startBilling();
  try {
    await assert.rejects(billing.client.getAccount({ patientId: crypto.randomUUID() }), notFound);
    for (const patientId of ["", "not-a-uuid"]) {
      await assert.rejects(
        billing.client.getAccount({ patientId }),
        (error: grpc.ServiceError) => {
          assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
          assert.equal(error.details, "patientId must be a UUID");
          return true;
        },
      );
    }
  } finally {
    await billing.close();
  }
});

Deno.test("ListInvoices() returns the account's invoices newest first, with numbers for amounts", async () => {
  const billing = await startBilling();
  try {
    const accounts = createBillingAccountStore(billing.db.sql);
    const patientId = crypto.randomUUID();
    const { account } = await accounts.open(patientId, "USD");
    const { account: other } = await accounts.open(crypto.randomUUID(), "USD");
    assert.deepEqual(await billing.client.listInvoices({ patientId }), { invoices: [] });

    const draft = crypto.randomUUID();
    const issued = crypto.randomUUID();
    const paid = crypto.randomUUID();
    await billing.db.sql`
      insert into invoices (id, account_id, currency, total, status, number, paid, created_at)
      values
        (${draft}, ${account.accountId}, 'USD', 2500, 'DRAFT', null, 0,
          now() - interval '2 hours'),
        (${issued}, ${account.accountId}, 'USD', 12345, 'ISSUED', 'INV-2025-000001', 345,
          now() - interval '1 hour'),
        (${paid}, ${account.accountId}, 'USD', 1000000000000, 'PAID', 'INV-2025-000002',
          1000000000000, now()),
        (${crypto.randomUUID()}, ${other.accountId}, 'USD', 1, 'DRAFT', null, 0, now())`;

    const { invoices } = await billing.client.listInvoices({ patientId });
    assert.deepEqual(invoices, [
      {
        id: paid,
        number: "INV-2025-000002",
        status: "PAID",
        currency: "USD",
        total: 1_000_000_000_000,
        paid: 1_000_000_000_000,
      },
      {
        id: issued,
        number: "INV-2025-000001",
        status: "ISSUED",
        currency: "USD",
        total: 12345,
        paid: 345,
      },
      { id: draft, number: "", status: "DRAFT", currency: "USD", total: 2500, paid: 0 },
    ]);
  } finally {
    await billing.close();
  }
});

Deno.test("ListInvoices() is NOT_FOUND without an account and INVALID_ARGUMENT for a non-UUID", async () => {
  const billing = await startBilling();
  try {
    await assert.rejects(
      billing.client.listInvoices({ patientId: crypto.randomUUID() }),
      notFound,
    );
    await assert.rejects(
      billing.client.listInvoices({ patientId: "42" }),
      (error: grpc.ServiceError) => {
        assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
        return true;
      },
    );
  } finally {
    await billing.close();
  }
});

Deno.test("GetAccount() and ListInvoices() log one line each with trace id and status, no patient id", async () => {
  const lines: Record<string, unknown>[] = [];
  const logger = new Logger({ service: "billing", write: (line) => lines.push(JSON.parse(line)) });
  const billing = await startBilling({ logger });
  try {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const traceparent = `00-${traceId}-00f067aa0ba902b7-01`;
    const patientId = crypto.randomUUID();
    await billing.client.createBillingAccount({ patientId, name: "", email: "" });
    await billing.client.getAccount({ patientId }, { traceparent });
    await billing.client.listInvoices({ patientId }, { traceparent });
    await assert.rejects(
      billing.client.getAccount({ patientId: crypto.randomUUID() }, { traceparent }),
      notFound,
    );
    const rpcLines = (rpc: string) => lines.filter((l) => l.rpc === rpc);
    assert.deepEqual(
      rpcLines("GetAccount").map((l) => [l.msg, l.traceId, l.status]),
      [["rpc", traceId, "OK"], ["rpc", traceId, "NOT_FOUND"]],
    );
    assert.deepEqual(
      rpcLines("ListInvoices").map((l) => [l.msg, l.traceId, l.status]),
      [["rpc", traceId, "OK"]],
    );
    for (const line of [...rpcLines("GetAccount"), ...rpcLines("ListInvoices")]) {
      assert.equal(typeof line.ms, "number");
      assert.ok(!JSON.stringify(line).includes(patientId));
    }
  } finally {
    await billing.close();
  }
});
