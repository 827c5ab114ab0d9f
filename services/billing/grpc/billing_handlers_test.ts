import assert from "node:assert/strict";
import { Metadata, type ServerUnaryCall, status } from "@grpc/grpc-js";
import type {
  AddChargesRequest,
  AddChargesResponse,
  ListInvoicesRequest,
  ListInvoicesResponse,
} from "@pms/billing-api";
import { Logger } from "@pms/log";
import type { BillingAccountStore } from "../store/billing_account_store.ts";
import { createBillingHandlers } from "./billing_handlers.ts";

const patientId = crypto.randomUUID();
const account = {
  accountId: crypto.randomUUID(),
  patientId,
  status: "ACTIVE",
  currency: "USD",
  balance: 0,
  createdAt: new Date(),
};
const accounts = {
  findByPatientId: (id: string) => Promise.resolve(id === patientId ? account : undefined),
} as BillingAccountStore;

Deno.test("createBillingHandlers() answers INTERNAL without details when a query fails", async () => {
  const lines: Record<string, unknown>[] = [];
  const handlers = createBillingHandlers({
    accounts,
    currency: "USD",
    listInvoices: () => Promise.reject(new Error(`relation "invoices" broke for ${patientId}`)),
    addCharges: () => Promise.resolve([]),
    logger: new Logger({ service: "billing", write: (line) => lines.push(JSON.parse(line)) }),
  });
  const call = { request: { patientId }, metadata: new Metadata() } as ServerUnaryCall<
    ListInvoicesRequest,
    ListInvoicesResponse
  >;
  const error = await new Promise<unknown>((resolve) =>
    handlers.listInvoices(call, (error) => resolve(error))
  );
  assert.deepEqual(error, { code: status.INTERNAL, details: "Internal error" });
  assert.deepEqual(
    lines.filter((l) => l.msg === "rpc").map((l) => [l.rpc, l.status]),
    [["ListInvoices", "INTERNAL"]],
  );
  assert.ok(lines.some((l) => l.msg === "unhandled error" && l.level === "error"));
});

Deno.test("createBillingHandlers() records AddCharges with the request id, refusing bad ones", async () => {
  const recorded: unknown[][] = [];
  const handlers = createBillingHandlers({
    accounts,
    currency: "USD",
    listInvoices: () => Promise.resolve([]),
    addCharges: (...args) => {
      recorded.push(args);
      return Promise.resolve(["c1"]);
    },
    logger: new Logger({ service: "billing", write: () => {} }),
  });
  const requestId = crypto.randomUUID();
  const charge = { code: "99213", description: "Office visit", amount: 12500, currency: "USD" };
  const send = (request: AddChargesRequest) =>
    new Promise<[unknown, AddChargesResponse | undefined]>((resolve) =>
      handlers.addCharges(
        { request, metadata: new Metadata() } as ServerUnaryCall<
          AddChargesRequest,
          AddChargesResponse
        >,
        (error, response) => resolve([error, response ?? undefined]),
      )
    );
  const ok = { requestId, patientId, serviceDate: "2026-01-02", charges: [charge] };
  assert.deepEqual(await send(ok), [null, { chargeIds: ["c1"] }]);
  assert.deepEqual(recorded, [[account.accountId, requestId, [{
    ...charge,
    serviceDate: "2026-01-02",
  }]]]);
  const code = async (request: AddChargesRequest) =>
    ((await send(request))[0] as { code?: number } | null)?.code;
  assert.equal(
    await code({ ...ok, charges: [{ ...charge, currency: "EUR" }] }),
    status.INVALID_ARGUMENT,
  );
  assert.equal(await code({ ...ok, requestId: "x" }), status.INVALID_ARGUMENT);
  assert.equal(await code({ ...ok, patientId: crypto.randomUUID() }), status.NOT_FOUND);
  assert.equal(recorded.length, 1);
});
