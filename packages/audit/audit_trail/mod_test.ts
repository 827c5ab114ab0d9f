import assert from "node:assert/strict";
import { Hono } from "hono";
import { OpenAPIHono } from "@hono/zod-openapi";
import {
  type AppEnv,
  defineRoute,
  errorHandler,
  jsonError,
  requestContext,
  unaudited,
} from "@pms/http";
import type { TokenClaims } from "@pms/jwt";
import { Logger } from "@pms/log";
import type { AuditRecord } from "../audit_record.ts";
import { auditChange, auditCommitted, auditNote, auditTrail } from "./mod.ts";

const logger = new Logger({ service: "test", level: "error", write: () => {} });

function appWith(record: (r: AuditRecord) => Promise<void>, role?: TokenClaims["role"]) {
  const sub = new Hono<AppEnv>()
    .get("/", (c) => {
      auditNote(c, { details: { search: c.req.query("search") } });
      return c.json([]);
    })
    .get("/:id", (c) => {
      auditNote(c, { patientIds: [c.req.param("id")] });
      return c.json({ id: c.req.param("id") });
    })
    .put("/:id", (c) => {
      const change = auditChange(c, { patientIds: [c.req.param("id")] });
      auditCommitted(c);
      return c.json({ change: change?.action });
    })
    .delete("/:id", () => {
      throw jsonError(404, "Patient not found");
    })
    .post("/:id/members", async (c) => {
      await c.req.json();
      throw jsonError(404, "Group not found");
    });
  return new Hono<AppEnv>()
    .use(requestContext({ logger }))
    .use(auditTrail({
      service: "patient",
      recorder: { record },
      actions: {
        "GET /patients": "patient.search",
        "GET /patients/:id": { action: "patient.read", patient: { param: "id" } },
        "PUT /patients/:id": "patient.update",
        "DELETE /patients/:id": { action: "patient.delete", only: "DENIED" },
        "POST /patients/:id/members": {
          action: "group.member.add",
          patient: { body: "patientId" },
        },
      },
    }))
    .use(async (c, next) => {
      if (!role) throw jsonError(401, "Unauthorized");
      c.set("user", { sub: "a@b.c", uid: "u1", role } as TokenClaims);
      if (role === "AUDITOR") throw jsonError(403, "Forbidden");
      await next();
    })
    .route("/patients", sub)
    .get("/health", (c) => c.json({ ok: true }))
    .onError(errorHandler({ logger }));
}

Deno.test("auditTrail() records a read with its actor, patients and request id before answering", async () => {
  const records: AuditRecord[] = [];
  const app = appWith((r) => (records.push(r), Promise.resolve()), "CLINICIAN");
  const res = await app.request("/patients/p1", {
    headers: { "X-Request-Id": "req-1", "X-Forwarded-For": "10.0.0.1, 10.0.0.9" },
  });
  assert.equal(res.status, 200);
  await res.body?.cancel();
  assert.equal(records.length, 1);
  const [r] = records;
  assert.equal(r?.action, "patient.read");
  assert.equal(r?.outcome, "SUCCESS");
  assert.deepEqual(r?.actor, { userId: "u1", email: "a@b.c", role: "CLINICIAN" });
  assert.deepEqual(r?.patientIds, ["p1"]);
  assert.equal(r?.requestId, "req-1");
  assert.equal(r?.clientAddress, "10.0.0.9");
  assert.equal(r?.service, "patient");
});

Deno.test("auditTrail() records 401 and 403 as DENIED with the route's action", async () => {
  const records: AuditRecord[] = [];
  const record = (r: AuditRecord) => (records.push(r), Promise.resolve());
  for (const [role, status] of [[undefined, 401], ["AUDITOR", 403]] as const) {
    const res = await appWith(record, role).request("/patients/p1");
    assert.equal(res.status, status);
    await res.body?.cancel();
  }
  assert.deepEqual(records.map((r) => [r.action, r.outcome, r.actor?.role ?? null]), [
    ["patient.read", "DENIED", null],
    ["patient.read", "DENIED", "AUDITOR"],
  ]);
  // The patient the route names is in the record whatever the outcome (a UUID only).
  assert.deepEqual(records.map((r) => r.patientIds), [[], []]);
  const named: AuditRecord[] = [];
  const id = crypto.randomUUID();
  const res = await appWith((r) => (named.push(r), Promise.resolve()), "AUDITOR")
    .request(`/patients/${id}`);
  await res.body?.cancel();
  assert.deepEqual(named[0]?.patientIds, [id]);
});

Deno.test("auditTrail() leaves a successful change to its transaction and skips unaudited routes", async () => {
  const records: AuditRecord[] = [];
  const app = appWith((r) => (records.push(r), Promise.resolve()), "ADMIN");
  const res = await app.request("/patients/p1", { method: "PUT" });
  assert.deepEqual(await res.json(), { change: "patient.update" });
  const health = await app.request("/health");
  await health.body?.cancel();
  // DELETE is recorded only when denied: a 404 is not.
  const gone = await app.request("/patients/p1", { method: "DELETE" });
  assert.equal(gone.status, 404);
  await gone.body?.cancel();
  assert.equal(records.length, 0);
});

Deno.test("auditTrail() withholds the answer with 503 when the record cannot be committed", async () => {
  const app = appWith(() => Promise.reject(new Error("database down")), "CLINICIAN");
  const res = await app.request("/patients/p1");
  assert.equal(res.status, 503);
  const body = await res.json();
  assert.equal(JSON.stringify(body).includes("p1"), false);
  assert.match(body.message, /Audit trail unavailable/);
});

Deno.test("auditTrail() withholds a FHIR answer with a 503 OperationOutcome", async () => {
  const app = new Hono<AppEnv>()
    .use(requestContext({ logger }))
    .use(auditTrail({
      service: "patient",
      recorder: { record: () => Promise.reject(new Error("database down")) },
      actions: { "GET /fhir/R4/Patient/:id": { action: "patient.read", patient: { param: "id" } } },
    }))
    .get(
      "/fhir/R4/Patient/:id",
      (c) =>
        c.body(JSON.stringify({ resourceType: "Patient", id: c.req.param("id") }), 200, {
          "Content-Type": "application/fhir+json; charset=utf-8",
        }),
    );
  const res = await app.request("/fhir/R4/Patient/p1");
  assert.equal(res.status, 503);
  assert.match(res.headers.get("Content-Type") ?? "", /^application\/fhir\+json/);
  assert.deepEqual(await res.json(), {
    resourceType: "OperationOutcome",
    issue: [{
      severity: "error",
      code: "exception",
      diagnostics: "Audit trail unavailable; try again",
    }],
  });
});

Deno.test("auditTrail() names the patient a JSON body names, also when the call is denied or fails", async () => {
  const id = crypto.randomUUID();
  const records: AuditRecord[] = [];
  const record = (r: AuditRecord) => (records.push(r), Promise.resolve());
  const post = (role: TokenClaims["role"] | undefined, body: string) =>
    appWith(record, role).request("/patients/g1/members", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Content-Length": String(body.length) },
      body,
    });
  for (
    const [role, body, status] of [
      ["CLINICIAN", JSON.stringify({ patientId: id.toUpperCase() }), 404],
      ["AUDITOR", JSON.stringify({ patientId: id }), 403],
      ["AUDITOR", "not json", 403],
      ["AUDITOR", JSON.stringify({ patientId: "p1" }), 403],
      [undefined, JSON.stringify({ patientId: id }), 401],
      // A large body is not read to name a patient (no body limit may have run before a 401).
      [undefined, JSON.stringify({ patientId: id, pad: "x".repeat(20_000) }), 401],
    ] as const
  ) {
    const res = await post(role, body);
    assert.equal(res.status, status);
    await res.body?.cancel();
  }
  assert.deepEqual(records.map((r) => [r.action, r.outcome, r.patientIds]), [
    ["group.member.add", "FAILED", [id]],
    ["group.member.add", "DENIED", [id]],
    ["group.member.add", "DENIED", []],
    ["group.member.add", "DENIED", []],
    ["group.member.add", "DENIED", [id]],
    ["group.member.add", "DENIED", []],
  ]);
});

Deno.test("auditTrail() names every patient a route names: path, then also the path and the body", async () => {
  const [target, source, other] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
  const records: AuditRecord[] = [];
  const app = new Hono<AppEnv>()
    .use(requestContext({ logger }))
    .use(auditTrail({
      service: "patient",
      recorder: { record: (r) => (records.push(r), Promise.resolve()) },
      actions: {
        "POST /patients/:id/merge": {
          action: "patient.merge",
          patient: { param: "id", also: [{ body: "sourceId" }] },
        },
        "POST /patients/:id/duplicates/:otherId/dismiss": {
          action: "patient.duplicates.dismiss",
          patient: { param: "id", also: [{ param: "otherId" }] },
        },
      },
    }))
    .use(async (c, next) => {
      c.set("user", { sub: "a@b.c", uid: "u1", role: "ADMIN" } as TokenClaims);
      await next();
    })
    .post("/patients/:id/merge", (c) => c.json({ ok: true }))
    .post("/patients/:id/duplicates/:otherId/dismiss", (c) => c.body(null, 204))
    .onError(errorHandler({ logger }));
  const body = JSON.stringify({ sourceId: source, reason: "same person" });
  const merged = await app.request(`/patients/${target}/merge`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Content-Length": String(body.length) },
    body,
  });
  assert.equal(merged.status, 200);
  await merged.body?.cancel();
  const dismissed = await app.request(
    `/patients/${target}/duplicates/${other.toUpperCase()}/dismiss`,
    { method: "POST" },
  );
  assert.equal(dismissed.status, 204);
  assert.deepEqual(records.map((r) => [r.action, r.patientIds]), [
    ["patient.merge", [target, source]],
    ["patient.duplicates.dismiss", [target, other]],
  ]);
});

Deno.test("auditTrail() records a route with the action its definition declares, denials too, and skips an exempt one", async () => {
  const records: AuditRecord[] = [];
  const appAs = (role?: TokenClaims["role"]) => {
    const app = new OpenAPIHono<AppEnv>();
    app.use(requestContext({ logger }));
    app.use(
      auditTrail({
        service: "thing",
        recorder: { record: (r) => (records.push(r), Promise.resolve()) },
      }),
    );
    app.use(async (c, next) => {
      if (!role) throw jsonError(401, "Unauthorized");
      c.set("user", { sub: "a@b.c", uid: "u1", role } as TokenClaims);
      await next();
    });
    const things = new OpenAPIHono<AppEnv>();
    things.openapi(
      defineRoute({
        method: "get",
        path: "/{id}",
        summary: "A thing",
        roles: ["ADMIN"],
        audit: { action: "thing.read", patient: { param: "id" } },
        responses: { 200: { description: "The thing" } },
      }),
      (c) => c.json({ ok: true }),
    );
    app.route("/things", things);
    app.get("/ping", unaudited("no data"), (c) => c.json({ ok: true }));
    app.onError(errorHandler({ logger }));
    return app;
  };
  const id = crypto.randomUUID();
  assert.equal((await appAs("ADMIN").request(`/things/${id}`)).status, 200);
  assert.equal((await appAs("CLINICIAN").request(`/things/${id}`)).status, 403);
  assert.equal((await appAs().request(`/things/${id}`)).status, 401);
  assert.equal((await appAs("ADMIN").request("/ping")).status, 200);
  assert.deepEqual(
    records.map((r) => [r.action, r.outcome, r.patientIds]),
    [
      ["thing.read", "SUCCESS", [id]],
      ["thing.read", "DENIED", [id]],
      ["thing.read", "DENIED", [id]],
    ],
  );
});

Deno.test("auditTrail() keeps a refused search's query as sent, never as the service's own details", async () => {
  const records: AuditRecord[] = [];
  const record = (r: AuditRecord) => (records.push(r), Promise.resolve());
  for (const role of ["AUDITOR", "ADMIN"] as const) {
    const res = await appWith(record, role).request(
      "/patients?search=jo&tag=a&tag=b&breakGlass=g-1&api=fhir",
    );
    await res.body?.cancel();
  }
  assert.deepEqual(records.map((r) => [r.outcome, r.details]), [
    ["DENIED", { search: "jo", tag: ["a", "b"] }],
    ["SUCCESS", { search: "jo" }],
  ]);
});
