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

Deno.test("vitalSignProblem() holds pounds and inches to the exact conversion of kg and cm", () => {
  // 700 kg is 1543.24 lb and 0.2 kg 0.441 lb; 300 cm is 118.11 in and 10 cm 3.937 in.
  const ok: [string, string, number][] = [
    ["29463-7", "[lb_av]", 1543.2],
    ["29463-7", "[lb_av]", 0.45],
    ["8302-2", "[in_i]", 118.1],
  ];
  for (const [code, unit, value] of ok) {
    assert.equal(vitalSignProblem(code, unit, value), undefined);
  }
  assert.equal(vitalSignProblem("29463-7", "[lb_av]", 0.44)?.field, "value");
  assert.equal(vitalSignProblem("29463-7", "[lb_av]", 1543.3)?.field, "value");
  assert.equal(vitalSignProblem("8302-2", "[in_i]", 3.9)?.field, "value");
  assert.deepEqual(vitalSignProblem("8302-2", "[in_i]", 119), {
    field: "value",
    message: "value must be between 3.94 and 118.11 [in_i]",
  });
});
