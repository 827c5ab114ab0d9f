import assert from "node:assert/strict";
import { vitalSignProblem } from "./vital_signs.ts";

Deno.test("vitalSignProblem() checks code, unit and range", () => {
  assert.equal(vitalSignProblem("8867-4", "/min", 72), undefined);
  assert.equal(vitalSignProblem("8310-5", "[degF]", 98.6), undefined);
  assert.equal(vitalSignProblem("0000-0", "/min", 72)?.field, "code");
  assert.equal(vitalSignProblem("toString", "/min", 72)?.field, "code");
  assert.equal(vitalSignProblem("8867-4", "kg", 72)?.field, "unit");
  assert.equal(vitalSignProblem("8867-4", "/min", 0)?.field, "value");
  assert.equal(vitalSignProblem("8310-5", "Cel", 46)?.field, "value");
});
