import assert from "node:assert/strict";
import { createLoginThrottle } from "./login_throttle.ts";

function setup(maxEntries?: number) {
  let now = 0;
  const throttle = createLoginThrottle({
    maxPerEmail: 3,
    maxPerClient: 5,
    windowMs: 60_000,
    maxEntries,
    now: () => now,
  });
  return { throttle, advance: (ms: number) => (now += ms) };
}

Deno.test("createLoginThrottle() refuses after the email's limit until the window ends", () => {
  const { throttle, advance } = setup();
  for (let i = 0; i < 3; i++) {
    assert.equal(throttle.retryAfter("a@x", "1.1.1.1"), 0);
    throttle.fail("a@x", "1.1.1.1");
  }
  assert.equal(throttle.retryAfter("a@x", "9.9.9.9"), 60);
  advance(30_000);
  assert.equal(throttle.retryAfter("a@x", "9.9.9.9"), 30);
  advance(30_000);
  assert.equal(throttle.retryAfter("a@x", "9.9.9.9"), 0);
});

Deno.test("createLoginThrottle() limits one client across emails", () => {
  const { throttle } = setup();
  for (let i = 0; i < 5; i++) throttle.fail(`u${i}@x`, "2.2.2.2");
  assert.ok(throttle.retryAfter("fresh@x", "2.2.2.2") > 0);
  assert.equal(throttle.retryAfter("fresh@x", "3.3.3.3"), 0);
});

Deno.test("createLoginThrottle() forgets an email after a success", () => {
  const { throttle } = setup();
  throttle.fail("a@x", "1");
  throttle.fail("a@x", "1");
  throttle.succeed("a@x");
  throttle.fail("a@x", "1");
  throttle.fail("a@x", "1");
  assert.equal(throttle.retryAfter("a@x", "other"), 0);
});

Deno.test("createLoginThrottle() keeps at most maxEntries counters", () => {
  const { throttle } = setup(4);
  for (let i = 0; i < 3; i++) throttle.fail("a@x", "1");
  for (let i = 0; i < 10; i++) throttle.fail(`flood${i}@x`, `10.0.0.${i}`);
  assert.equal(throttle.retryAfter("a@x", "1"), 0, "the oldest counters were dropped");
});
