import assert from "node:assert/strict";
import { Hono } from "hono";
import { type AppEnv, requestContext } from "../mod.ts";
import { memoryLogger } from "../_test_util.ts";

function makeApp() {
  const { logger, lines } = memoryLogger();
  const app = new Hono<AppEnv>().use(requestContext({ logger }))
    .get("/x", (c) => c.json({ traceId: c.get("traceId"), traceparent: c.get("traceparent") }));
  return { app, lines };
}

Deno.test("requestContext() echoes a sane X-Request-Id and logs it without the query", async () => {
  const { app, lines } = makeApp();
  const res = await app.request("/x?search=Jane", { headers: { "X-Request-Id": "abc-123" } });
  assert.equal(res.headers.get("X-Request-Id"), "abc-123");
  await res.body?.cancel();
  assert.equal(lines[0]?.requestId, "abc-123");
  assert.equal(lines[0]?.path, "/x");
  assert.ok(!JSON.stringify(lines).includes("Jane"));
});

Deno.test("requestContext() replaces an unsafe request id with a UUID", async () => {
  const { app } = makeApp();
  const res = await app.request("/x", { headers: { "X-Request-Id": "bad id <script>" } });
  assert.match(res.headers.get("X-Request-Id") ?? "", /^[0-9a-f-]{36}$/);
  await res.body?.cancel();
});

Deno.test("requestContext() continues the caller's trace", async () => {
  const { app } = makeApp();
  const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
  const res = await app.request("/x", {
    headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
  });
  const body = await res.json();
  assert.equal(body.traceId, traceId);
  assert.match(body.traceparent, new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
});

Deno.test("requestContext() writes the access line at the level a route asked for", async () => {
  const { logger, lines } = memoryLogger();
  const app = new Hono<AppEnv>().use(requestContext({ logger }))
    .get("/poll", (c) => {
      c.set("accessLogLevel", "debug");
      return c.body(null, 204);
    });
  await (await app.request("/poll")).body?.cancel();
  assert.deepEqual(lines, [], "an info logger leaves the debug line out");
});
