import assert from "node:assert/strict";
import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { TokenClaims } from "@pms/jwt";
import type { AppEnv } from "../app_env.ts";
import { routeAudits } from "../define_route/mod.ts";
import type { IdempotencyStore } from "../idempotency/mod.ts";
import { validationHook } from "../validation_hook.ts";
import { recordRoutes } from "./mod.ts";

const Thing = z.object({ id: z.string(), patientId: z.string(), version: z.number() });
const things = recordRoutes({
  noun: "thing",
  schema: Thing,
  roles: ["CLINICIAN"],
  keys: {} as IdempotencyStore,
});

const statuses = (route: { responses: Record<string, unknown> }) =>
  Object.keys(route.responses).sort();
const described = (route: { responses: Record<string, unknown> }, status: number) =>
  (route.responses[status] as { description: string }).description;

Deno.test("recordRoutes() declares a record's read and search with its noun", () => {
  const read = things.read("A thing");
  assert.equal(read.method, "get");
  assert.equal(read.getRoutingPath(), "/:id");
  assert.deepEqual(statuses(read), ["200", "304", "400", "401", "403", "404", "414", "503"]);
  assert.equal(described(read, 404), "Thing not found");
  assert.equal(read.responses[200], things.ok);
  assert.equal(things.ok.description, "The thing");
  assert.equal(things.notFound, "Thing not found");

  const search = things.search("Things", { kind: z.string().optional() }, {
    defaultSize: 10,
    maxSize: 20,
  });
  assert.equal(described(search, 200), "A page of things");
  assert.deepEqual(Object.keys(search.request.query.shape), ["patientId", "kind", "page", "size"]);
});

Deno.test("recordRoutes() declares the creates with their key and the patch under If-Match", () => {
  const body = z.object({ name: z.string() });
  const create = things.create({
    audit: "thing.create",
    summary: "Create a thing",
    body,
    created: "Created",
    invalid: "Invalid fields",
  });
  assert.deepEqual(statuses(create), [
    "201",
    "400",
    "401",
    "403",
    "409",
    "413",
    "414",
    "415",
    "422",
    "503",
  ]);
  assert.equal(described(create, 201), "Created");

  const add = things.add({
    under: "parts",
    audit: "part.create",
    summary: "Add a part",
    body,
    created: { description: "The part" },
    invalid: "Invalid fields",
    conflict: "Thing is closed",
  });
  assert.equal(add.getRoutingPath(), "/:id/parts");
  assert.equal(described(add, 409), "Thing is closed");

  const patch = things.patch({
    summary: "Change a thing",
    roles: ["ADMIN"],
    body,
    invalid: "Malformed id or invalid fields",
    errors: { 404: "Thing not found, or Part not found" },
  });
  assert.deepEqual(statuses(patch), [
    "200",
    "400",
    "401",
    "403",
    "404",
    "412",
    "413",
    "414",
    "415",
    "503",
  ]);
  assert.equal(described(patch, 404), "Thing not found, or Part not found");
  assert.ok(patch.request.headers);
});

Deno.test("recordRoutes() audits reads, searches (naming the patient filtered by) and patches", () => {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use(async (c, next) => {
    c.set("user", { role: "CLINICIAN" } as TokenClaims);
    await next();
  });
  const ok = (c: { json(body: unknown, status: 200): Response }) => c.json({}, 200);
  app.openapi(things.search("Things", {}, { defaultSize: 10, maxSize: 20 }), ok);
  app.openapi(things.read("A thing"), ok);
  app.openapi(
    things.patch({ summary: "Change", body: z.object({}), invalid: "Invalid fields" }),
    ok,
  );
  const audits = routeAudits(app);
  assert.deepEqual(audits.get("GET /"), {
    action: "thing.search",
    patient: { query: "patientId" },
  });
  assert.equal(audits.get("GET /:id"), "thing.read");
  assert.equal(audits.get("PATCH /:id"), "thing.update");
});

Deno.test("recordRoutes() refuses a creating POST of a resource without keys", () => {
  const unkeyed = recordRoutes({ noun: "thing", schema: Thing, roles: ["ADMIN"] });
  assert.throws(
    () =>
      unkeyed.add({
        under: "parts",
        audit: "part.create",
        summary: "Add a part",
        body: z.object({}),
        created: { description: "The part" },
        invalid: "Invalid fields",
        conflict: "Thing is closed",
      }),
    /needs the resource's keys/,
  );
});
