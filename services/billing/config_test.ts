import assert from "node:assert/strict";
import { loadBillingConfig } from "./config.ts";

const base = { DATABASE_URL: "postgres://u@127.0.0.1:5432/billing" };

Deno.test("loadBillingConfig() applies the documented defaults", () => {
  const config = loadBillingConfig(base);
  assert.equal(config.PORT, 4001);
  assert.equal(config.HOST, "127.0.0.1");
  assert.equal(config.GRPC_PORT, 9001);
  assert.equal(config.GRPC_HOST, "127.0.0.1");
  assert.equal(config.DATABASE_POOL_MAX, 10);
  assert.equal(loadBillingConfig({ ...base, GRPC_PORT: "9101" }).GRPC_PORT, 9101);
});

Deno.test("loadBillingConfig() names each bad variable", () => {
  assert.throws(() => loadBillingConfig({}), /DATABASE_URL/);
  assert.throws(
    () => loadBillingConfig({ ...base, GRPC_PORT: "grpc" }),
    /GRPC_PORT: must be a port number/,
  );
  assert.throws(() => loadBillingConfig({ ...base, PORT: "70000" }), /PORT: must be a port number/);
});
