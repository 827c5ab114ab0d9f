import assert from "node:assert/strict";
import { Hono } from "hono";
import { type AppEnv, defineRoute, errorHandler } from "@pms/http";
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { silentLogger } from "@pms/testing";
import type { AccessDecision, PatientAccess } from "../patient_access.ts";
import { restrictedRecords } from "./mod.ts";

const open = "0b6a6f43-3c2e-4c36-9a53-4f1f7d8e2a10";
const closed = "1c7b7054-4d3f-4d47-8b64-5a2a8e9f3b21";
const granted = "2d8c8165-5e4f-4e58-9c75-6b3b9f0a4c32";

/** Hides `closed`, opens `granted` through grant "g-1", and counts the questions. */
function fakeAccess(): PatientAccess & { asked: string[][] } {
  const asked: string[][] = [];
  return {
    asked,
    decide(ids) {
      asked.push(ids);
      const decision: AccessDecision = { hidden: new Set(), grants: new Map() };
      if (ids.includes(closed)) decision.hidden.add(closed);
      if (ids.includes(granted)) decision.grants.set(granted, "g-1");
      return Promise.resolve(decision);
    },
  };
}

function app(access: PatientAccess, changed: string[] = []) {
  const api = new OpenAPIHono<AppEnv>();
  api.onError(errorHandler({ logger: silentLogger() }));
  // What the audit trail keeps of the request's record: the patients its handler noted.
  const noted: string[] = [];
  api.use("*", async (c, next) => {
    c.set("user", { uid: "u-1", sub: "u@x", role: "CLINICIAN" } as AppEnv["Variables"]["user"]);
    c.set("audit", {
      note: () => {},
      patients: () => [...noted],
      changeRecord: () => {
        throw new Error("no change here");
      },
      committed: () => {},
    });
    await next();
  });
  api.use("*", restrictedRecords({ access }));
  api.openapi(
    defineRoute({
      method: "get",
      path: "/patients/{id}",
      summary: "read",
      audit: { action: "patient.read", patient: { param: "id" } },
      responses: { 200: { description: "ok" } },
    }),
    (c) => c.json({ id: c.req.param("id") }, 200),
  );
  api.openapi(
    defineRoute({
      method: "put",
      path: "/patients/{id}/restriction",
      summary: "restrict",
      audit: { action: "patient.restriction.set", patient: { param: "id", evenRestricted: true } },
      responses: { 200: { description: "ok" } },
    }),
    (c) => {
      changed.push(c.req.param("id"));
      return c.json({ ok: true }, 200);
    },
  );
  api.openapi(
    defineRoute({
      method: "get",
      path: "/appointments",
      summary: "list",
      audit: "appointment.read",
      responses: { 200: { description: "ok" } },
    }),
    (c) => c.json([{ id: "a1", patientId: open }, { id: "a2", patientId: closed }], 200),
  );
  api.openapi(
    defineRoute({
      method: "get",
      path: "/appointments/{id}",
      summary: "read",
      audit: "appointment.read",
      responses: { 200: { description: "ok" } },
    }),
    (c) => c.json({ id: c.req.param("id"), patientId: closed }, 200),
  );
  api.openapi(
    defineRoute({
      method: "post",
      path: "/groups/{id}/members",
      summary: "add",
      roles: ["CLINICIAN"],
      audit: { action: "group.member.add", patient: { body: "patientId" } },
      request: {
        body: {
          required: true,
          content: {
            "application/json": { schema: z.object({ patientId: z.string(), note: z.string() }) },
          },
        },
      },
      responses: { 201: { description: "added" } },
    }),
    (c) => {
      const { patientId, note } = c.req.valid("json");
      changed.push(patientId);
      return c.json({ patientId, note }, 201);
    },
  );
  api.openapi(
    defineRoute({
      method: "post",
      path: "/patients/{id}/pair/{otherId}",
      summary: "pair",
      roles: ["CLINICIAN"],
      audit: { action: "patient.pair", patient: { param: "id", also: [{ param: "otherId" }] } },
      responses: { 204: { description: "paired" } },
    }),
    (c) => {
      changed.push(c.req.param("otherId"));
      return c.body(null, 204);
    },
  );
  api.openapi(
    defineRoute({
      method: "get",
      path: "/patients/{id}/secrets",
      summary: "ADMIN only",
      roles: ["ADMIN"],
      audit: { action: "patient.secrets", patient: { param: "id" } },
      responses: { 200: { description: "ok" } },
    }),
    (c) => c.json({ id: c.req.param("id") }, 200),
  );
  api.openapi(
    defineRoute({
      method: "get",
      path: "/notes/{id}",
      summary: "a read whose client holds the version: 304, its patient noted for the audit",
      audit: "note.read",
      responses: { 304: { description: "not modified" } },
    }),
    (c) => {
      noted.push(c.req.param("id") === "n-closed" ? closed : open);
      return c.body(null, 304);
    },
  );
  api.openapi(
    defineRoute({
      method: "patch",
      path: "/groups/{id}",
      summary: "rename",
      audit: "group.update",
      responses: { 200: { description: "ok" } },
    }),
    (c) =>
      c.json({
        id: c.req.param("id"),
        members: [{ patientId: open, name: "O" }, { patientId: closed, name: "C" }],
      }, 200),
  );
  api.openapi(
    defineRoute({
      method: "post",
      path: "/patients",
      summary: "create (a replay answers the first create's record)",
      audit: "patient.create",
      responses: { 201: { description: "created" } },
    }),
    (c) => c.json({ id: closed, dateOfBirth: "1990-01-01", patientId: closed }, 201),
  );
  return new Hono<AppEnv>().route("/", api);
}

const post = (body: unknown) => ({
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify(body),
});

Deno.test("restrictedRecords() refuses a restricted patient named by the path", async () => {
  const res = await app(fakeAccess()).request(`/patients/${closed}`);
  assert.equal(res.status, 403);
  assert.deepEqual(await res.json(), { message: "Record is restricted", breakGlass: true });
  const ok = await app(fakeAccess()).request(`/patients/${open}`);
  assert.equal(ok.status, 200);
});

Deno.test("restrictedRecords() lets the restriction calls through (evenRestricted)", async () => {
  const changed: string[] = [];
  const access = fakeAccess();
  const res = await app(access, changed).request(`/patients/${closed}/restriction`, {
    method: "PUT",
  });
  assert.equal(res.status, 200);
  assert.deepEqual(changed, [closed]);
  assert.deepEqual(access.asked, []);
});

Deno.test("restrictedRecords() masks a list's records and refuses a record's answer", async () => {
  const list = await app(fakeAccess()).request("/appointments");
  assert.equal(list.status, 200);
  assert.deepEqual(await list.json(), [
    { id: "a1", patientId: open },
    { id: "a2", restricted: true },
  ]);
  const one = await app(fakeAccess()).request("/appointments/a2");
  assert.equal(one.status, 403);
  assert.equal((await one.json()).breakGlass, true);
});

Deno.test("restrictedRecords() refuses a restricted patient named in the JSON body", async () => {
  const changed: string[] = [];
  const res = await app(fakeAccess(), changed).request(
    "/groups/g/members",
    post({ patientId: closed, note: "n" }),
  );
  assert.equal(res.status, 403);
  assert.deepEqual(await res.json(), { message: "Record is restricted", breakGlass: true });
  assert.deepEqual(changed, []);
  // The route still reads the body the check read.
  const ok = await app(fakeAccess(), changed).request(
    "/groups/g/members",
    post({ patientId: open, note: "kept" }),
  );
  assert.equal(ok.status, 201);
  assert.deepEqual(await ok.json(), { patientId: open, note: "kept" });
  assert.deepEqual(changed, [open]);
  // A body that is not JSON is left to the route (415, 400), unread.
  const text = await app(fakeAccess()).request("/groups/g/members", {
    method: "POST",
    headers: { "Content-Type": "text/plain" },
    body: closed,
  });
  assert.equal(text.status, 415);
  await text.body?.cancel();
  const broken = await app(fakeAccess()).request("/groups/g/members", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: "{",
  });
  assert.equal(broken.status, 400);
  await broken.body?.cancel();
});

Deno.test("restrictedRecords() checks every patient a route names (also)", async () => {
  const changed: string[] = [];
  const access = fakeAccess();
  const res = await app(access, changed).request(`/patients/${open}/pair/${closed}`, {
    method: "POST",
  });
  assert.equal(res.status, 403);
  assert.equal((await res.json()).breakGlass, true);
  assert.deepEqual(access.asked, [[open, closed]]);
  assert.deepEqual(changed, []);
  const ok = await app(fakeAccess(), changed).request(`/patients/${open}/pair/${granted}`, {
    method: "POST",
  });
  assert.equal(ok.status, 204);
});

Deno.test("restrictedRecords() leaves a role the route refuses to the route's 403", async () => {
  const access = fakeAccess();
  const res = await app(access).request(`/patients/${closed}/secrets`);
  assert.equal(res.status, 403);
  assert.deepEqual(await res.json(), { message: "Forbidden" });
  assert.deepEqual(access.asked, [], "nothing is asked about the record first");
});

Deno.test("restrictedRecords() masks and refuses in a change's answer as in a read's", async () => {
  const patched = await app(fakeAccess()).request("/groups/g", { method: "PATCH" });
  assert.equal(patched.status, 200);
  assert.deepEqual(await patched.json(), {
    id: "g",
    members: [{ patientId: open, name: "O" }, { patientId: closed, restricted: true }],
  });
  const replayed = await app(fakeAccess()).request("/patients", { method: "POST" });
  assert.equal(replayed.status, 403);
  assert.deepEqual(await replayed.json(), { message: "Record is restricted", breakGlass: true });
});

Deno.test("restrictedRecords() refuses a 304 whose record's patient is restricted", async () => {
  const refused = await app(fakeAccess()).request("/notes/n-closed");
  assert.equal(refused.status, 403);
  assert.deepEqual(await refused.json(), { message: "Record is restricted", breakGlass: true });
  const kept = await app(fakeAccess()).request("/notes/n-open");
  assert.equal(kept.status, 304);
});
