import assert from "node:assert/strict";
import { Metadata, type ServerUnaryCall, status } from "@grpc/grpc-js";
import type { ListInvoicesRequest, ListInvoicesResponse } from "@pms/billing-api";
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
