import assert from "node:assert/strict";
import { isDatabaseUnavailable } from "./is_database_unavailable.ts";

Deno.test("isDatabaseUnavailable() recognises connection failures, also as a cause", () => {
  const refused = Object.assign(new Error("refused"), { code: "ECONNREFUSED" });
  assert.equal(isDatabaseUnavailable(refused), true);
  assert.equal(isDatabaseUnavailable(new Error("wrapped", { cause: refused })), true);
  assert.equal(isDatabaseUnavailable(Object.assign(new Error("x"), { code: "57P01" })), true);
  assert.equal(isDatabaseUnavailable(Object.assign(new Error("x"), { code: "23505" })), false);
  assert.equal(isDatabaseUnavailable(new Error("bug")), false);
  assert.equal(isDatabaseUnavailable(null), false);
});

Deno.test("isDatabaseUnavailable() counts a deadlock or serialization failure as try-again", () => {
  assert.equal(isDatabaseUnavailable(Object.assign(new Error("x"), { code: "40P01" })), true);
  assert.equal(isDatabaseUnavailable(Object.assign(new Error("x"), { code: "40001" })), true);
});
