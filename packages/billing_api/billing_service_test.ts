import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { billingServiceDefinition, healthServiceDefinition } from "./mod.ts";

const method = billingServiceDefinition.createBillingAccount;

Deno.test("billingServiceDefinition uses the reference's method path", () => {
  assert.equal(method.path, "/BillingService/CreateBillingAccount");
  assert.equal(method.originalName, "CreateBillingAccount");
});

Deno.test("billingServiceDefinition encodes BillingRequest as the reference's wire bytes", () => {
  const bytes = method.requestSerialize({ patientId: "p", name: "n", email: "e" });
  // field 1 (patientId), 2 (name), 3 (email): tag, length, UTF-8 bytes.
  assert.deepEqual([...bytes], [0x0a, 1, 0x70, 0x12, 1, 0x6e, 0x1a, 1, 0x65]);
  assert.deepEqual(method.requestDeserialize(bytes), { patientId: "p", name: "n", email: "e" });
});

Deno.test("billingServiceDefinition decodes an empty BillingResponse with defaults", () => {
  assert.deepEqual(method.responseDeserialize(Buffer.alloc(0)), { accountId: "", status: "" });
  const bytes = method.responseSerialize({ accountId: "a", status: "ACTIVE" });
  assert.deepEqual(method.responseDeserialize(bytes), { accountId: "a", status: "ACTIVE" });
});

Deno.test("healthServiceDefinition follows the standard grpc.health.v1 proto", () => {
  const { check, watch, list } = healthServiceDefinition;
  assert.equal(check.path, "/grpc.health.v1.Health/Check");
  assert.equal(watch.path, "/grpc.health.v1.Health/Watch");
  assert.equal(watch.responseStream, true);
  assert.equal(list.path, "/grpc.health.v1.Health/List");
  // status = 1, SERVING = 1
  const bytes = check.responseSerialize({ status: "SERVING" });
  assert.deepEqual([...bytes], [0x08, 1]);
  assert.deepEqual(check.responseDeserialize(bytes), { status: "SERVING" });
  assert.deepEqual(check.requestDeserialize(Buffer.alloc(0)), { service: "" });
});

Deno.test("billingServiceDefinition adds GetAccount and ListInvoices without a package", () => {
  const { getAccount, listInvoices } = billingServiceDefinition;
  assert.equal(getAccount.path, "/BillingService/GetAccount");
  assert.equal(listInvoices.path, "/BillingService/ListInvoices");
  // patientId = 1 in both requests.
  assert.deepEqual([...getAccount.requestSerialize({ patientId: "p" })], [0x0a, 1, 0x70]);
  assert.deepEqual([...listInvoices.requestSerialize({ patientId: "p" })], [0x0a, 1, 0x70]);
  assert.deepEqual(getAccount.requestDeserialize(Buffer.from([0x0a, 1, 0x70])), {
    patientId: "p",
  });
});

Deno.test("billingServiceDefinition sends int64 balance as a varint and decodes it as a number", () => {
  const { getAccount } = billingServiceDefinition;
  const account = {
    accountId: "a",
    patientId: "p",
    status: "S",
    currency: "USD",
    balance: 300,
  };
  // fields 1–4 strings, then field 5 (balance) varint 300 = 0xac 0x02.
  assert.deepEqual(
    [...getAccount.responseSerialize(account)],
    [0x0a, 1, 0x61, 0x12, 1, 0x70, 0x1a, 1, 0x53, 0x22, 3, 0x55, 0x53, 0x44, 0x28, 0xac, 0x02],
  );
  for (const balance of [0, 300, -12_345, 100_000_000_000_000, Number.MAX_SAFE_INTEGER]) {
    const decoded = getAccount.responseDeserialize(
      getAccount.responseSerialize({ ...account, balance }),
    );
    assert.deepEqual(decoded, { ...account, balance });
    assert.equal(typeof decoded.balance, "number");
  }
  assert.deepEqual(getAccount.responseDeserialize(Buffer.alloc(0)), {
    accountId: "",
    patientId: "",
    status: "",
    currency: "",
    balance: 0,
  });
});

Deno.test("billingServiceDefinition decodes ListInvoicesResponse by field number, int64 amounts as numbers", () => {
  const { listInvoices } = billingServiceDefinition;
  const invoice = { id: "i", number: "", status: "DRAFT", currency: "USD", total: 1, paid: 0 };
  // The canonical bytes: field 1 (invoices), an embedded InvoiceSummary with id = 1, status = 3,
  // currency = 4, total = 5 (varint 1); number "" and paid 0 are defaults, left out.
  const bytes = Buffer.from([
    0x0a,
    17,
    0x0a,
    1,
    0x69,
    0x1a,
    5,
    ...new TextEncoder().encode("DRAFT"),
    0x22,
    3,
    ...new TextEncoder().encode("USD"),
    0x28,
    1,
  ]);
  assert.deepEqual(listInvoices.responseDeserialize(bytes), { invoices: [invoice] });
  assert.deepEqual(
    listInvoices.responseDeserialize(listInvoices.responseSerialize({ invoices: [invoice] })),
    { invoices: [invoice] },
  );
  const big = { ...invoice, total: 1_000_000_000_000, paid: 999_999_999_999 };
  assert.deepEqual(
    listInvoices.responseDeserialize(listInvoices.responseSerialize({ invoices: [big, invoice] })),
    { invoices: [big, invoice] },
  );
  assert.deepEqual(listInvoices.responseDeserialize(Buffer.alloc(0)), { invoices: [] });
});
