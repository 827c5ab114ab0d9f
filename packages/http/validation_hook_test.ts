import assert from "node:assert/strict";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { type AppEnv, errorHandler, requireJson, validationHook } from "./mod.ts";
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
