/**
 * A `BillingService` server in a process of its own, for a client test that must see whether the
 * server survives: it opens an account for every `CreateBillingAccount` and for every item of a
 * `CreateBillingAccounts` after up to 3 ms, and prints its port once it listens.
 *
 * @module
 */
import * as grpc from "@grpc/grpc-js";
import { billingServiceDefinition } from "../billing_service.ts";

const server = new grpc.Server();
server.addService(billingServiceDefinition, {
  createBillingAccount(_call: unknown, callback: grpc.sendUnaryData<unknown>) {
    const accountId = crypto.randomUUID();
    setTimeout(() => callback(null, { accountId, status: "ACTIVE" }), Math.random() * 3);
  },
  createBillingAccounts(
    call: grpc.ServerUnaryCall<{ items: unknown[] }, unknown>,
    callback: grpc.sendUnaryData<unknown>,
  ) {
    const results = call.request.items.map(() => ({
      accountId: crypto.randomUUID(),
      status: "ACTIVE",
      error: "",
    }));
    setTimeout(() => callback(null, { results }), Math.random() * 3);
  },
});
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  Deno.stdout.writeSync(new TextEncoder().encode(`${port}\n`));
});
Deno.addSignalListener("SIGTERM", () => server.forceShutdown());
