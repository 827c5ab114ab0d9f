import assert from "node:assert/strict";
import { backoffDelay, worthLogging } from "./mod.ts";

Deno.test("backoffDelay() doubles from the base and stops at the maximum", () => {
  const options = { baseMs: 100, maxMs: 1_000 };
  assert.deepEqual([0, 1, 2, 3, 4, 10].map((n) => backoffDelay(n, options)), [
    100,
    200,
    400,
    800,
    1_000,
    1_000,
  ]);
});

Deno.test("backoffDelay() with jitter stays within the upper half of the delay", () => {
  for (let i = 0; i < 200; i++) {
    const delay = backoffDelay(2, { baseMs: 100, maxMs: 1_000, jitter: true });
    assert.ok(delay >= 200 && delay <= 400, String(delay));
  }
});

Deno.test("worthLogging() is true for the first failure and every tenth", () => {
  const logged = Array.from({ length: 31 }, (_, i) => i).filter((n) => worthLogging(n));
  assert.deepEqual(logged, [1, 10, 20, 30]);
});
