import assert from "node:assert/strict";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { type AppEnv, errorHandler, jsonError, requireJson, validationHook } from "./mod.ts";
import { memoryLogger } from "./_test_util.ts";

const route = createRoute({
  method: "post",
  path: "/things/{id}",
  request: {
    params: z.object({ id: z.uuid({ error: "Invalid thing id" }) }),
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.strictObject({
            name: z.string({ error: "Name is required" }).min(1, "Name is required"),
          }),
        },
      },
    },
  },
  responses: { 200: { description: "ok" } },
});

function makeApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use(requireJson());
  app.openapi(route, (c) => c.json({ ok: c.req.valid("json").name }, 200));
  app.onError(errorHandler({ logger: memoryLogger().logger }));
  return app;
}

const ID = "123e4567-e89b-12d3-a456-426614174000";
const post = (path: string, body: string, type = "application/json") =>
  makeApp().request(path, { method: "POST", body, headers: { "Content-Type": type } });

Deno.test("validationHook() answers a field map for a bad body", async () => {
  const res = await post(`/things/${ID}`, JSON.stringify({ name: "", extra: 1 }));
  assert.equal(res.status, 400);
  assert.deepEqual(await res.json(), { name: "Name is required", extra: "Unknown field" });
  const missing = await post(`/things/${ID}`, JSON.stringify({ name: 5 }));
  assert.deepEqual(await missing.json(), { name: "Name is required" });
});

Deno.test("validationHook() answers a message for a non-object body or a bad parameter", async () => {
  for (const body of ["[]", "null", '"x"', "3"]) {
    const res = await post(`/things/${ID}`, body);
    assert.equal(res.status, 400, body);
    assert.deepEqual(await res.json(), { message: "Request body must be a JSON object" });
  }
  const badId = await post("/things/nope", JSON.stringify({ name: "a" }));
  assert.equal(badId.status, 400);
  assert.deepEqual(await badId.json(), { message: "Invalid thing id" });
});

Deno.test("requireJson() and the JSON parser answer 415 and 400", async () => {
  const plain = await post(`/things/${ID}`, "name=a", "text/plain");
  assert.equal(plain.status, 415);
  assert.ok((await plain.json()).message);
  const malformed = await post(`/things/${ID}`, "{oops");
  assert.equal(malformed.status, 400);
  assert.deepEqual(await malformed.json(), { message: "Malformed JSON in request body" });
  const ok = await post(`/things/${ID}`, JSON.stringify({ name: "a" }));
  assert.deepEqual(await ok.json(), { ok: "a" });
});

Deno.test("validationHook() holds every query to 20 comma-separated values and 10 repetitions, after the role", async () => {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use(async (c, next) => {
    if (c.req.header("X-Role") !== "ADMIN") throw jsonError(403, "Forbidden");
    await next();
  });
  app.openapi(
    createRoute({
      method: "get",
      path: "/things",
      request: { query: z.object({ name: z.string().optional() }) },
      responses: { 200: { description: "ok" } },
    }),
    (c) => c.json({ name: c.req.valid("query").name ?? null }, 200),
  );
  app.onError(errorHandler({ logger: memoryLogger().logger }));
  const get = async (query: string, role = "ADMIN") => {
    const res = await app.request(`/things?${query}`, { headers: { "X-Role": role } });
    return { status: res.status, body: await res.json() };
  };
  const values = (n: number) => Array(n).fill("jo").join(",");
  const times = (n: number, param = "name") => Array(n).fill(`${param}=jo`).join("&");
  assert.deepEqual(await get(`name=${values(20)}`), { status: 200, body: { name: values(20) } });
  // `\,` separates nothing.
  assert.equal((await get(`name=${values(20)}\\,x`)).status, 200);
  const tooMany = "name may hold at most 20 comma-separated values";
  assert.deepEqual(await get(`name=${values(21)}`), {
    status: 400,
    body: { name: tooMany, message: tooMany },
  });
  const repeated = "name may be given at most 10 times";
  assert.deepEqual(await get(times(11)), {
    status: 400,
    body: { name: repeated, message: repeated },
  });
  // Unknown parameters too; a name that cannot be shown is not repeated back.
  assert.equal((await get(times(11, "other"))).body.other, "other may be given at most 10 times");
  assert.equal(
    (await get(times(11, "%00"))).body.parameter,
    "parameter may be given at most 10 times",
  );
  // 10 repetitions are within bounds (the schema then refuses a repeated name).
  assert.deepEqual(await get(times(10)), {
    status: 400,
    body: { message: "Invalid value for name" },
  });
  // 401 → 403 → 400: a role without access learns nothing about its query.
  assert.equal((await get(times(11), "CLINICIAN")).status, 403);
  // No value with a control character, an override or a lone surrogate reaches a handler.
  const invalid = "name contains invalid characters";
  for (const value of ["%00", "jo%00", "a%09b", "a%1b%5b31m", "a%e2%80%aeb"]) {
    assert.deepEqual(await get(`name=${value}`), {
      status: 400,
      body: { name: invalid, message: invalid },
    }, value);
  }
  assert.equal((await get("other=%00")).body.other, "other contains invalid characters");
});
