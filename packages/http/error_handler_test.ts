import assert from "node:assert/strict";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { type AppEnv, bodyLimit, errorHandler, jsonError, notFoundHandler } from "./mod.ts";
import { memoryLogger } from "./_test_util.ts";

function makeApp() {
  const { logger, lines } = memoryLogger();
  const app = new Hono<AppEnv>()
    .get("/plain", () => {
      throw new HTTPException(418, { message: "teapot" });
    })
    .get("/fields", () => {
      throw jsonError(400, { name: "Name is required" });
    })
    .get("/boom", () => {
      throw new Error("secret stack detail");
    })
    .get("/gone", () => {
      throw Object.assign(new Error("Cannot read body as underlying resource unavailable"), {
        name: "BadResource",
      });
    })
    .get("/db", () => {
      throw Object.assign(new Error("connect"), { code: "ECONNREFUSED" });
    })
    .get("/deadlock", () => {
      throw Object.assign(new Error("deadlock detected"), { code: "40P01" });
    })
    .post(
      "/body",
      bodyLimit({ maxBytes: 10 }),
      async (c) => c.json({ n: (await c.req.text()).length }),
    )
    .notFound(notFoundHandler)
    .onError(errorHandler({ logger }));
  return { app, lines };
}

Deno.test("errorHandler() turns HTTPException into JSON with its status", async () => {
  const { app } = makeApp();
  const res = await app.request("/plain");
  assert.equal(res.status, 418);
  assert.deepEqual(await res.json(), { message: "teapot" });
  const fields = await app.request("/fields");
  assert.equal(fields.status, 400);
  assert.deepEqual(await fields.json(), { name: "Name is required" });
});

Deno.test("errorHandler() hides unexpected errors behind a 500 JSON", async () => {
  const { app, lines } = makeApp();
  const res = await app.request("/boom");
  assert.equal(res.status, 500);
  const text = await res.text();
  assert.equal(text, JSON.stringify({ message: "Internal server error" }));
  assert.equal(lines.at(-1)?.level, "error");
});

Deno.test("errorHandler() answers 503 with Retry-After when a dependency is down", async () => {
  const { app } = makeApp();
  const res = await app.request("/db");
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("Retry-After"), "1");
  await res.body?.cancel();
});

Deno.test("errorHandler() answers 503, not 500, for a transaction the database rolled back", async () => {
  const { app } = makeApp();
  const res = await app.request("/deadlock");
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("Retry-After"), "1");
  assert.deepEqual(await res.json(), { message: "Service temporarily unavailable" });
});

Deno.test("notFoundHandler() and bodyLimit() answer JSON", async () => {
  const { app } = makeApp();
  const missing = await app.request("/nope");
  assert.equal(missing.status, 404);
  assert.deepEqual(await missing.json(), { message: "Not found" });
  const big = await app.request("/body", { method: "POST", body: "x".repeat(100) });
  assert.equal(big.status, 413);
  assert.match((await big.json()).message, /larger than 10 bytes/);
});

Deno.test("errorHandler() answers a body the client stopped sending with 400, logged at info", async () => {
  const { app, lines } = makeApp();
  const res = await app.request("/gone");
  assert.equal(res.status, 400);
  assert.deepEqual(await res.json(), { message: "The request body could not be read" });
  assert.deepEqual(lines.map((line) => line.level), ["info"]);
});
