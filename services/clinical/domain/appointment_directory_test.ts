import assert from "node:assert/strict";
import { DomainError } from "@pms/http";
import { createAppointmentDirectory } from "./appointment_directory.ts";

const ID = "0b9f6f0e-3f4a-4d8e-9a55-0c4c1f1d2e3a";
const PATIENT = "6c1d2c4e-1b9a-4a53-8c1f-2d8f0e7a9b10";

function fakeFetch(answer: () => Response, seen: Request[] = []): typeof fetch {
  return (input, init) => {
    seen.push(new Request(input, init));
    return Promise.resolve(answer());
  };
}

Deno.test("createAppointmentDirectory() asks scheduling with the caller's token", async () => {
  const seen: Request[] = [];
  const directory = createAppointmentDirectory({
    url: "http://scheduling:4007/",
    fetch: fakeFetch(() => Response.json({ id: ID, patientId: PATIENT, status: "BOOKED" }), seen),
  });
  assert.deepEqual(await directory.find(ID, "tok"), {
    id: ID,
    patientId: PATIENT,
    status: "BOOKED",
  });
  assert.equal(seen[0]!.url, `http://scheduling:4007/internal/appointments/${ID}`);
  assert.equal(seen[0]!.headers.get("authorization"), "Bearer tok");
});

Deno.test("createAppointmentDirectory() answers undefined for an unknown appointment", async () => {
  const directory = createAppointmentDirectory({
    url: "http://scheduling",
    fetch: fakeFetch(() => new Response("{}", { status: 404 })),
  });
  assert.equal(await directory.find(ID, "tok"), undefined);
});

Deno.test("createAppointmentDirectory() reports scheduling unavailable on errors", async () => {
  for (
    const f of [
      fakeFetch(() => new Response("oops", { status: 503 })),
      (() => Promise.reject(new TypeError("refused"))) as typeof fetch,
    ]
  ) {
    const directory = createAppointmentDirectory({ url: "http://scheduling", fetch: f });
    await assert.rejects(
      directory.find(ID, "tok"),
      (e) => e instanceof DomainError && e.kind === "unavailable",
    );
  }
});
