import assert from "node:assert/strict";
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { defineRoute } from "./define_route/mod.ts";
import { ignoringReadOnly } from "./ignoring_read_only.ts";
import * as doc from "./openapi/mod.ts";

const PatchThing = ignoringReadOnly(z.strictObject({
  name: z.string().optional(),
  note: z.string().nullish(),
})).openapi("PatchThingRequest");

Deno.test("ignoringReadOnly() drops id, version, createdAt and updatedAt from the body", () => {
  const read = {
    id: "t1",
    version: 4,
    createdAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-02T00:00:00Z",
  };
  assert.deepEqual(PatchThing.parse({ ...read, name: "x", note: null }), { name: "x", note: null });
  assert.deepEqual(PatchThing.parse(read), {});
  assert.deepEqual(PatchThing.parse({ id: null, version: "any" }), {});
});

Deno.test("ignoringReadOnly() still refuses every other unknown field and a bad value", () => {
  const unknown = PatchThing.safeParse({ id: "t1", colour: "red" });
  assert.equal(unknown.success, false);
  assert.deepEqual(unknown.error?.issues.map((i) => i.code), ["unrecognized_keys"]);
  assert.equal(PatchThing.safeParse({ version: 1, name: 5 }).success, false);
  assert.equal(PatchThing.safeParse([]).success, false);
});

Deno.test("ignoringReadOnly() documents one object with the read-only fields marked readOnly", () => {
  const app = new OpenAPIHono();
  app.openapi(
    defineRoute({
      method: "patch",
      path: "/{id}",
      audit: "thing.update",
      summary: "Change a thing",
      request: { body: doc.patchBody(PatchThing) },
      responses: { 200: { description: "Changed" } },
    }),
    (c) => c.json(c.req.valid("json"), 200),
  );
  const document = app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: { title: "t", version: "1" },
  });
  const schema = document.components?.schemas?.PatchThingRequest as {
    properties: Record<string, { readOnly?: boolean }>;
    additionalProperties: boolean;
  };
  assert.deepEqual(Object.keys(schema.properties).sort(), [
    "createdAt",
    "id",
    "name",
    "note",
    "updatedAt",
    "version",
  ]);
  for (const key of ["id", "version", "createdAt", "updatedAt"]) {
    assert.equal(schema.properties[key]?.readOnly, true, key);
  }
  assert.equal(schema.properties.name?.readOnly, undefined);
  assert.equal(schema.additionalProperties, false);
});
