import assert from "node:assert/strict";
import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { TokenClaims } from "@pms/jwt";
import type { AppEnv } from "../app_env.ts";
import { defineRoute } from "../define_route/mod.ts";
import { errorHandler } from "../error_handler.ts";
import { validationHook } from "../validation_hook.ts";
import { memoryLogger } from "../_test_util.ts";

const finish = defineRoute({
  method: "post",
  path: "/visits/{id}/finish",
  summary: "Finish a visit, with or without charges",
  roles: ["ADMIN"],
  audit: "visit.finish",
  request: {
    params: z.object({ id: z.string() }),
    body: {
      required: false,
      content: {
        "application/json": { schema: z.object({ charges: z.array(z.string()) }).strict() },
      },
    },
  },
  responses: { 200: { description: "Finished" } },
});

function app() {
  const { logger } = memoryLogger();
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use(async (c, next) => {
    c.set("user", { role: "ADMIN" } as TokenClaims);
    await next();
  });
  app.openapi(finish, (c) => {
    const body = c.req.valid("json") as { charges?: string[] } | undefined;
    return c.json({ charges: body?.charges ?? [] }, 200);
  });
  app.onError(errorHandler({ logger }));
  return app;
}

const finishWith = (init: RequestInit) =>
  app().request("/visits/1/finish", { method: "POST", ...init });

Deno.test("optionalJsonBody() takes an empty JSON body as no body", async () => {
  const json = { "Content-Type": "application/json" };
  for (
    const init of [{}, { headers: json }, { headers: json, body: "" }, {
      headers: json,
      body: " \n",
    }]
  ) {
    const res = await finishWith(init);
    assert.equal(res.status, 200, JSON.stringify(init));
    assert.deepEqual(await res.json(), { charges: [] });
  }
});

Deno.test("optionalJsonBody() leaves a body that is sent to validation", async () => {
  const json = { "Content-Type": "application/json" };
  const given = await finishWith({ headers: json, body: '{"charges":["a"]}' });
  assert.equal(given.status, 200);
  assert.deepEqual(await given.json(), { charges: ["a"] });
  const malformed = await finishWith({ headers: json, body: "{" });
  assert.equal(malformed.status, 400);
  await malformed.body?.cancel();
  const invalid = await finishWith({ headers: json, body: '{"charges":[1]}' });
  assert.equal(invalid.status, 400);
  assert.ok("charges" in await invalid.json());
  const other = await finishWith({ headers: { "Content-Type": "text/plain" }, body: "x" });
  assert.equal(other.status, 415);
  await other.body?.cancel();
});
