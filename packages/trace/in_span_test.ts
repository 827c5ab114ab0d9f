import assert from "node:assert/strict";
import { activeTraceparent, inSpan } from "./mod.ts";

Deno.test("inSpan() runs the work and passes its result and errors through", async () => {
  const parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  assert.equal(await inSpan("t", "consumer", parent, () => Promise.resolve(42)), 42);
  await assert.rejects(inSpan("t", "client", undefined, () => Promise.reject(new Error("x"))), /x/);
});

Deno.test("activeTraceparent() is undefined without OpenTelemetry", () => {
  // deno test runs without OTEL_DENO: the API is a no-op and nothing is propagated.
  assert.equal(activeTraceparent(), undefined);
});
