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
