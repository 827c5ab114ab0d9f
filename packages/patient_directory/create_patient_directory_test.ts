import assert from "node:assert/strict";
import { DomainError } from "@pms/http";
import { createPatientDirectory } from "./create_patient_directory.ts";

const id = crypto.randomUUID();

function answering(status: number, body?: unknown): typeof fetch {
  return (input, init) => {
    assert.equal(String(input), `http://patient:4000/internal/patients/${id}`);
    assert.equal(new Headers(init?.headers).get("authorization"), "Bearer t0ken");
    return Promise.resolve(new Response(body ? JSON.stringify(body) : null, { status }));
  };
}

Deno.test("createPatientDirectory() reports what the patient service says", async () => {
  const url = "http://patient:4000/";
  const ask = (f: typeof fetch) => createPatientDirectory({ url, fetch: f }).status(id, "t0ken");
  assert.equal(await ask(answering(200, { id, status: "ACTIVE" })), "ACTIVE");
  assert.equal(await ask(answering(200, { id, status: "DELETED" })), "DELETED");
  assert.equal(await ask(answering(404, { message: "Patient not found" })), "MISSING");
});

Deno.test("createPatientDirectory() requireActive() refuses a missing or deleted patient", async () => {
  for (const [status, body] of [[404, undefined], [200, { status: "DELETED" }]] as const) {
    const directory = createPatientDirectory({
      url: "http://patient:4000",
      fetch: answering(status, body),
    });
    await assert.rejects(
      directory.requireActive(id, "t0ken"),
      (e) =>
        e instanceof DomainError && e.kind === "not_found" && e.message === "Patient not found",
    );
  }
});

Deno.test("createPatientDirectory() answers unavailable when the patient service does not", async () => {
  const failing: typeof fetch = () => Promise.reject(new TypeError("connection refused"));
  for (const f of [failing, answering(500)]) {
    const directory = createPatientDirectory({ url: "http://patient:4000", fetch: f });
    await assert.rejects(
      directory.requireActive(id, "t0ken"),
      (e) => e instanceof DomainError && e.kind === "unavailable",
    );
  }
});

Deno.test("createPatientDirectory() requireKnown() takes a restricted patient and refuses a deleted one", async () => {
  const known = (body: unknown, status = 200) =>
    createPatientDirectory({ url: "http://patient:4000", fetch: answering(status, body) })
      .requireKnown(id, "t0ken");
  await known({ id, status: "ACTIVE", restricted: true });
  for (const [status, body] of [[404, undefined], [200, { status: "DELETED" }]] as const) {
    await assert.rejects(
      known(body, status),
      (e) =>
        e instanceof DomainError && e.kind === "not_found" && e.message === "Patient not found",
    );
  }
});
