import assert from "node:assert/strict";
import { loadPatientConfig } from "./config.ts";

Deno.test("loadPatientConfig() takes FHIR_BASE_URL as an http(s) base, default the gateway's /fhir/R4", () => {
  const base = { DATABASE_URL: "postgres://u@127.0.0.1:5432/patient" };
  assert.equal(loadPatientConfig(base).FHIR_BASE_URL, "http://localhost:4004/fhir/R4");
  assert.equal(
    loadPatientConfig({ ...base, FHIR_BASE_URL: "https://fhir.example.org/fhir/R4/" })
      .FHIR_BASE_URL,
    "https://fhir.example.org/fhir/R4",
  );
  for (const bad of ["fhir/R4", "ftp://x/fhir", "https://x/fhir?a=1", "https://x/fhir#f"]) {
    assert.throws(() => loadPatientConfig({ ...base, FHIR_BASE_URL: bad }), /FHIR_BASE_URL/, bad);
  }
});
