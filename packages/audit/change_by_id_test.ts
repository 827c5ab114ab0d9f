import assert from "node:assert/strict";
import { z } from "@hono/zod-openapi";
import { type AppEnv, defineRoute, resourceApp } from "@pms/http";
import type { TokenClaims } from "@pms/jwt";
import type { Context } from "hono";
import type { CallContext } from "./call_context.ts";
import { changeById } from "./change_by_id.ts";

const rename = (status: 200 | 201) =>
  defineRoute({
    method: "post",
    path: "/things/{id}",
    audit: false,
    unaudited: "a test route",
    summary: "Rename a thing",
    roles: ["ADMIN"],
    request: {
      params: z.object({ id: z.string() }),
      body: {
        required: true,
        content: { "application/json": { schema: z.object({ name: z.string() }) } },
      },
    },
    responses: { [status]: { description: "Renamed" } },
  });

function appWith(
  change: (id: string, body: { name: string }, ctx: CallContext) => Promise<unknown>,
  status: 200 | 201,
  collection?: string,
) {
  const app = resourceApp();
  app.use(async (c: Context<AppEnv>, next) => {
    c.set("user", { role: "ADMIN", uid: "u-1" } as TokenClaims);
    await next();
  });
  app.openapi(rename(status), (c) =>
    changeById(
      c,
      async (id, body, ctx) => {
        await change(id, body, ctx);
        return { id, version: 3, name: body.name };
      },
      status,
      collection,
    ));
  return app;
}

const post = (ifMatch?: string) => ({
  method: "POST",
  headers: { "Content-Type": "application/json", ...(ifMatch ? { "If-Match": ifMatch } : {}) },
  body: JSON.stringify({ name: "new" }),
});

Deno.test("changeById() runs the change with the id, the body and the caller", async () => {
  const calls: [string, { name: string }, CallContext][] = [];
  const app = appWith((id, body, ctx) => {
    calls.push([id, body, ctx]);
    return Promise.resolve();
  }, 200);
  const res = await app.request("/things/t-1", post('"2"'));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("ETag"), 'W/"3"');
  assert.deepEqual(await res.json(), { id: "t-1", version: 3, name: "new" });
  const [id, body, ctx] = calls[0]!;
  assert.deepEqual([id, body, ctx.userId, ctx.expectedVersions], ["t-1", { name: "new" }, "u-1", [
    2,
  ]]);
});

Deno.test("changeById() names the created record in Location under the collection", async () => {
  const app = appWith(() => Promise.resolve(), 201, "/things");
  const res = await app.request("http://api.test/things/t-9", post());
  assert.equal(res.status, 201);
  assert.match(res.headers.get("Location") ?? "", /\/things\/t-9$/);
  await res.body?.cancel();
});
