import assert from "node:assert/strict";
import { isDeadlock } from "./is_deadlock.ts";

Deno.test("isDeadlock() is true for SQLSTATE 40P01 only", () => {
  assert.equal(isDeadlock({ code: "40P01" }), true);
  assert.equal(isDeadlock({ code: "23P01" }), false);
  assert.equal(isDeadlock(new Error("deadlock")), false);
  assert.equal(isDeadlock(null), false);
  assert.equal(isDeadlock("40P01"), false);
});
