import assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import { billingServiceDefinition, type BillingServiceHandlers } from "./billing_service.ts";
import { createBillingClient } from "./create_billing_client.ts";
import { MAX_ACCOUNTS_PER_CALL } from "./max_accounts_per_call.ts";
import { MAX_CALLS_PER_ROUND } from "./max_calls_per_round.ts";
import { isRetryableGrpcError } from "./is_retryable_grpc_error.ts";
import { REFUSED_ADDRESS } from "@pms/testing";

/** A real gRPC server on a free loopback port serving `handlers` (the others: UNIMPLEMENTED). */
async function startServer(handlers: Partial<BillingServiceHandlers>) {
  const server = new grpc.Server();
  // grpc-js answers UNIMPLEMENTED for a method without a handler.
  server.addService(billingServiceDefinition, handlers as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      "127.0.0.1:0",
      grpc.ServerCredentials.createInsecure(),
      (error, port) => error ? reject(error) : resolve(port),
    )
  );
  return {
    address: `127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

Deno.test("createBillingClient() sends the request and traceparent, and returns the reply", async () => {
  const seen: { path?: string; traceparent?: unknown; request?: unknown } = {};
  const server = await startServer({
    createBillingAccount(call, callback) {
      seen.path = call.getPath();
      seen.traceparent = call.metadata.get("traceparent")[0];
      seen.request = call.request;
      callback(null, { accountId: "acc-1", status: "ACTIVE" });
    },
  });
  const client = createBillingClient({ address: server.address, deadlineMs: 2000 });
  try {
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const reply = await client.createBillingAccount(
      { patientId: "p-1", name: "Ada", email: "ada@example.com" },
      { traceparent },
    );
    assert.deepEqual(reply, { accountId: "acc-1", status: "ACTIVE" });
    assert.equal(seen.path, "/BillingService/CreateBillingAccount");
    assert.equal(seen.traceparent, traceparent);
    assert.deepEqual(seen.request, { patientId: "p-1", name: "Ada", email: "ada@example.com" });
    await client.createBillingAccount({ patientId: "p-2", name: "", email: "" });
    assert.equal(seen.traceparent, undefined);
  } finally {
    client.close();
    await server.stop();
  }
});

Deno.test("createBillingClient() calls GetAccount and ListInvoices, amounts as numbers", async () => {
  const seen: { path?: string; traceparent?: unknown; request?: unknown }[] = [];
  const account = {
    accountId: "acc-1",
    patientId: "p-1",
    status: "ACTIVE",
    currency: "USD",
    balance: -100_000_000_000_000,
  };
  const invoice = {
    id: "inv-1",
    number: "INV-2025-000001",
    status: "ISSUED",
    currency: "USD",
    total: 1_000_000_000_000,
    paid: 5,
  };
  const server = await startServer({
    getAccount(call, callback) {
      seen.push({
        path: call.getPath(),
        traceparent: call.metadata.get("traceparent")[0],
        request: call.request,
      });
      callback(null, account);
    },
    listInvoices(call, callback) {
      seen.push({
        path: call.getPath(),
        traceparent: call.metadata.get("traceparent")[0],
        request: call.request,
      });
      callback(null, { invoices: [invoice] });
    },
  });
  const client = createBillingClient({ address: server.address, deadlineMs: 2000 });
  try {
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    assert.deepEqual(await client.getAccount({ patientId: "p-1" }, { traceparent }), account);
    assert.deepEqual(await client.listInvoices({ patientId: "p-1" }), { invoices: [invoice] });
    assert.deepEqual(seen, [
      { path: "/BillingService/GetAccount", traceparent, request: { patientId: "p-1" } },
      {
        path: "/BillingService/ListInvoices",
        traceparent: undefined,
        request: { patientId: "p-1" },
      },
    ]);
    await assert.rejects(
      client.createBillingAccount({ patientId: "p", name: "", email: "" }),
      (error: grpc.ServiceError) => error.code === grpc.status.UNIMPLEMENTED,
    );
  } finally {
    client.close();
    await server.stop();
  }
});

Deno.test("createBillingClient() rejects with the server's status", async () => {
  const server = await startServer({
    createBillingAccount(_call, callback) {
      callback({ code: grpc.status.INVALID_ARGUMENT, details: "patientId must be a UUID" });
    },
  });
  const client = createBillingClient({ address: server.address });
  try {
    await assert.rejects(
      client.createBillingAccount({ patientId: "x", name: "", email: "" }),
      (error: grpc.ServiceError) => {
        assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
        assert.equal(error.details, "patientId must be a UUID");
        assert.equal(isRetryableGrpcError(error), false);
        return true;
      },
    );
  } finally {
    client.close();
    await server.stop();
  }
});

Deno.test("createBillingClient() gives up at the deadline with DEADLINE_EXCEEDED", async () => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const server = await startServer({
    createBillingAccount(_call, callback) {
      timer = setTimeout(() => callback(null, { accountId: "late", status: "ACTIVE" }), 1000);
    },
  });
  const client = createBillingClient({ address: server.address, deadlineMs: 100 });
  try {
    const started = Date.now();
    await assert.rejects(
      client.createBillingAccount({ patientId: "p", name: "", email: "" }),
      (error: grpc.ServiceError) => {
        assert.equal(error.code, grpc.status.DEADLINE_EXCEEDED);
        assert.equal(isRetryableGrpcError(error), true);
        return true;
      },
    );
    assert.ok(Date.now() - started < 900, "the call did not wait for the slow server");
  } finally {
    clearTimeout(timer);
    client.close();
    await server.stop();
  }
});

Deno.test("createBillingClient() fails fast with UNAVAILABLE when nothing listens", async () => {
  const client = createBillingClient({ address: REFUSED_ADDRESS, deadlineMs: 2000 });
  try {
    await assert.rejects(
      client.createBillingAccount({ patientId: "p", name: "", email: "" }),
      (error: grpc.ServiceError) => {
        assert.equal(error.code, grpc.status.UNAVAILABLE);
        assert.equal(isRetryableGrpcError(error), true);
        return true;
      },
    );
  } finally {
    client.close();
  }
});

/** The account server (`testdata/account_server.ts`) in a process of its own, and its port. */
async function startAccountServer() {
  // A process of its own: an abort inside its HTTP/2 stack ends only that process.
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./testdata/account_server.ts", import.meta.url).pathname],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const port = Number((await lines.read()).value?.trim());
  let ended: Deno.CommandStatus | undefined;
  const status = child.status.then((s) => ended = s);
  return {
    address: `127.0.0.1:${port}`,
    /** How the process ended, if it did. */
    ended: () => ended,
    /** Fails when the process ended by itself. */
    async assertRunning() {
      if (ended) assert.fail(`the server process ended (${ended.code}): ${await stderr}`);
    },
    async stop() {
      if (!ended) child.kill("SIGKILL");
      await status;
      await lines.cancel();
      await stderr;
    },
  };
}

Deno.test("createBillingClient() in rounds of MAX_CALLS_PER_ROUND leaves the server running", async () => {
  const server = await startAccountServer();
  const clients = Array.from(
    { length: 4 },
    () => createBillingClient({ address: server.address, deadlineMs: 3000 }),
  );
  let failed = 0;
  try {
    // Four dispatchers' full rounds of MAX_CALLS_PER_ROUND calls, each followed by the database
    // work of the round; the channel is closed after each. Rounds of 20 brought the server down
    // at the first close (an abort inside nghttp2: denoland/deno#36788).
    await Promise.all(clients.map(async (client) => {
      for (let round = 0; round < 30 && !server.ended(); round++) {
        const batch = Array.from(
          { length: MAX_CALLS_PER_ROUND },
          () =>
            client.createBillingAccount({ patientId: crypto.randomUUID(), name: "", email: "" }),
        );
        failed += (await Promise.allSettled(batch)).filter((r) => r.status === "rejected").length;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await server.assertRunning();
    assert.equal(failed, 0);
  } finally {
    for (const client of clients) client.close();
    await server.stop();
  }
});

Deno.test("createBillingClient() with CreateBillingAccounts calls of MAX_ACCOUNTS_PER_CALL leaves the server running", async () => {
  const server = await startAccountServer();
  const client = createBillingClient({ address: server.address, deadlineMs: 3000 });
  let failed = 0;
  try {
    // A dispatcher's rounds, a call each, the channel closed after each. Calls of 95 accounts
    // brought the server down at the 413th (an abort inside nghttp2).
    for (let round = 0; round < 500 && !server.ended(); round++) {
      const items = Array.from({ length: MAX_ACCOUNTS_PER_CALL }, () => ({
        request: { patientId: crypto.randomUUID(), name: "", email: "" },
        traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      }));
      try {
        const { results } = await client.createBillingAccounts({ items });
        assert.equal(results.length, MAX_ACCOUNTS_PER_CALL);
      } catch {
        failed++;
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    await server.assertRunning();
    assert.equal(failed, 0);
  } finally {
    client.close();
    await server.stop();
  }
});
