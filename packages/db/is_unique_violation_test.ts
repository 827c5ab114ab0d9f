import assert from "node:assert/strict";
import { isUniqueViolation } from "./mod.ts";

Deno.test("isUniqueViolation() recognises SQLSTATE 23505 and its constraint", () => {
  const error = Object.assign(new Error("dup"), { code: "23505", constraint_name: "uq_email" });
  assert.equal(isUniqueViolation(error), true);
  assert.equal(isUniqueViolation(error, "uq_email"), true);
  assert.equal(isUniqueViolation(error, "other"), false);
  assert.equal(isUniqueViolation(new Error("x")), false);
  assert.equal(isUniqueViolation(null), false);
});
