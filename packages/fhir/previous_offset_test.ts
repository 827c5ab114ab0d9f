import assert from "node:assert/strict";
import { previousOffset } from "./previous_offset.ts";

Deno.test("previousOffset() is a page back, never below 0, and the last full page past the end", () => {
  assert.equal(previousOffset({ offset: 4, count: 2, total: 7 }), 2);
  assert.equal(previousOffset({ offset: 1, count: 2, total: 7 }), 0);
  assert.equal(previousOffset({ offset: 40, count: 2, total: 7 }), 5);
});
