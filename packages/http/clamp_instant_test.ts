import assert from "node:assert/strict";
import { clampInstant } from "./clamp_instant.ts";

Deno.test("clampInstant() moves a bound past year 9999 or before year 0001 to the range's end", () => {
  const after = new Date(Date.parse("9999-12-31T00:00:00Z") + 86_400_000);
  assert.equal(clampInstant(after).toISOString(), "9999-12-31T23:59:59.999Z");
  const before = new Date(Date.parse("0001-01-01T00:00:00Z") - 1);
  assert.equal(clampInstant(before).toISOString(), "0001-01-01T00:00:00.000Z");
  const now = new Date();
  assert.equal(clampInstant(now), now);
});
