import assert from "node:assert/strict";
import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { TokenClaims } from "@pms/jwt";
import type { AppEnv } from "../app_env.ts";
import { errorHandler } from "../error_handler.ts";
import { validationHook } from "../validation_hook.ts";
import { memoryLogger } from "../_test_util.ts";
import { defineRoute, routeAuditOf, routeAudits } from "./mod.ts";

const create = defineRoute({
  method: "post",
  path: "/things/{id}",
  summary: "Create a thing",
  roles: ["ADMIN"],
  audit: { action: "thing.create", patient: { param: "id" } },
  request: {
    params: z.object({ id: z.string().regex(/^\d+$/, "id must be a number") }),
    body: {
      required: true,
      content: { "application/json": { schema: z.object({ name: z.string() }).strict() } },
    },
  },
  responses: { 201: { description: "Created" } },
  errors: { 404: "No such thing" },
});

function appAs(role: TokenClaims["role"] | undefined) {
  const { logger } = memoryLogger();
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use(async (c, next) => {
    if (!role) return c.json({ message: "Unauthorized" }, 401);
    c.set("user", { role } as TokenClaims);
    await next();
  });
  app.openapi(create, (c) => c.json({ id: c.req.valid("param").id }, 201));
  app.get("/plain", (c) => c.text("unaudited"));
  app.onError(errorHandler({ logger }));
  return app;
}

const post = (body: string, type = "application/json") => ({
  method: "POST",
  headers: { "Content-Type": type },
  body,
});

Deno.test("defineRoute() checks the role, then the body's type, then validation", async () => {
  const cases: [TokenClaims["role"] | undefined, RequestInit & { path: string }, number][] = [
    [undefined, { path: "/things/x", ...post("x", "text/plain") }, 401],
    ["CLINICIAN", { path: "/things/x", ...post("x", "text/plain") }, 403],
    ["ADMIN", { path: "/things/x", ...post("x", "text/plain") }, 415],
    ["ADMIN", { path: "/things/x", ...post('{"name":"a"}') }, 400],
    ["ADMIN", { path: "/things/1", ...post('{"name":"a"}') }, 201],
  ];
  for (const [role, { path, ...init }, status] of cases) {
    const res = await appAs(role).request(path, init);
    assert.equal(res.status, status, `${role} ${path}`);
    await res.body?.cancel();
  }
});

Deno.test("defineRoute() declares the audit action on the route, found by routeAudits()", () => {
  const audits = routeAudits(appAs("ADMIN"));
  assert.deepEqual(audits.get("POST /things/:id"), {
    action: "thing.create",
    patient: { param: "id" },
  });
  assert.equal(audits.get("GET /plain"), undefined);
  assert.equal(routeAuditOf(() => {}), undefined);
});

Deno.test("defineRoute() describes the shared answers and the route's errors", () => {
  assert.deepEqual(Object.keys(create.responses).sort(), [
    "201",
    "401",
    "403",
    "404",
    "413",
    "414",
    "415",
    "503",
  ]);
  assert.deepEqual(create.security, [{ bearerAuth: [] }]);
  assert.equal(create.getRoutingPath(), "/things/:id");
});

Deno.test("defineRoute() refuses audit: false without a reason", () => {
  assert.throws(
    () =>
      defineRoute({
        method: "get",
        path: "/x",
        summary: "x",
        responses: {},
        ...({ audit: false } as { audit: false; unaudited: string }),
      }),
    /needs a reason/,
  );
  const exempt = defineRoute({
    method: "get",
    path: "/health",
    summary: "Up?",
    audit: false,
    unaudited: "liveness probe",
    responses: { 200: { description: "Up" } },
  });
  assert.deepEqual(routeAuditOf(exempt.middleware[0]), { exempt: "liveness probe" });
  assert.equal(exempt.security, undefined);
});
