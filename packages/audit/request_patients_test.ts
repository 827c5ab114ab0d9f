import assert from "node:assert/strict";
import { Hono } from "hono";
import { requestPatients } from "./request_patients.ts";

const A = "0b6f7c3e-9d2a-4c1e-8f00-1a2b3c4d5e6f";
const B = "1C2D3E4F-5A6B-4C7D-8E9F-0A1B2C3D4E5F";

Deno.test("requestPatients() reads the path, query and body places, UUIDs only, each once", async () => {
  const app = new Hono().post(
    "/patients/:id/merge",
    (c) =>
      c.json(requestPatients(c, "/patients/:id/merge", [
        { param: "id" },
        { query: "other" },
        { body: "sourceId" },
        { body: "missing" },
      ], { sourceId: B, missing: "not-a-uuid" })),
  );
  const ids = async (query: string) =>
    await (await app.request(`/patients/${A}/merge${query}`, {
      method: "POST",
    })).json();
  assert.deepEqual(await ids(`?other=${A}`), [A, B.toLowerCase()]);
  assert.deepEqual(await ids("?other=x"), [A, B.toLowerCase()]);
  const without = new Hono().get(
    "/p/:id",
    (c) => c.json(requestPatients(c, "/p/:id", [{ param: "id" }, { body: "sourceId" }])),
  );
  assert.deepEqual(await (await without.request(`/p/${A}`)).json(), [A]);
});

Deno.test("requestPatients() reads every value of a query parameter, FHIR references too", async () => {
  const app = new Hono().get(
    "/Encounter",
    (c) => c.json(requestPatients(c, "/Encounter", [{ query: "patient" }])),
  );
  const ids = async (query: string) => await (await app.request(`/Encounter?${query}`)).json();
  assert.deepEqual(await ids(`patient=${A}&patient=Patient/${B}`), [A, B.toLowerCase()]);
  assert.deepEqual(await ids(`patient=Patient/${A},${B}`), [A, B.toLowerCase()]);
  assert.deepEqual(await ids("patient=x"), []);
});
