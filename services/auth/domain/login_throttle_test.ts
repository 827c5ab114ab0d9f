import assert from "node:assert/strict";
import { createLoginThrottle } from "./login_throttle.ts";

function setup(maxEntries?: number) {
  let now = 0;
  const throttle = createLoginThrottle({
    maxPerEmail: 3,
    maxPerClient: 5,
    windowMs: 60_000,
    maxPerEmailGlobal: 8,
    globalWindowMs: 120_000,
    maxEntries,
    now: () => now,
  });
  return { throttle, advance: (ms: number) => (now += ms) };
}

Deno.test("createLoginThrottle() refuses a client after its limit for an email until the window ends", () => {
  const { throttle, advance } = setup();
  for (let i = 0; i < 3; i++) {
    assert.equal(throttle.retryAfter("a@x", "1.1.1.1"), 0);
    throttle.fail("a@x", "1.1.1.1");
  }
  assert.equal(throttle.retryAfter("a@x", "1.1.1.1"), 60);
  advance(30_000);
  assert.equal(throttle.retryAfter("a@x", "1.1.1.1"), 30);
  advance(30_000);
  assert.equal(throttle.retryAfter("a@x", "1.1.1.1"), 0);
});

Deno.test("createLoginThrottle() lets another client log in to an email a stranger is flooding", () => {
  const { throttle } = setup();
  for (let i = 0; i < 3; i++) throttle.fail("a@x", "6.6.6.6");
  assert.ok(throttle.retryAfter("a@x", "6.6.6.6") > 0, "the stranger waits");
  assert.equal(throttle.retryAfter("a@x", "1.1.1.1"), 0, "the clinician's own client does not");
});

Deno.test("createLoginThrottle() limits one client across emails", () => {
  const { throttle } = setup();
  for (let i = 0; i < 5; i++) throttle.fail(`u${i}@x`, "2.2.2.2");
  assert.ok(throttle.retryAfter("fresh@x", "2.2.2.2") > 0);
  assert.equal(throttle.retryAfter("fresh@x", "3.3.3.3"), 0);
});

Deno.test("createLoginThrottle() stops every client at the email's global ceiling and says so once", () => {
  const { throttle, advance } = setup();
  const reached: boolean[] = [];
  for (let i = 0; i < 9; i++) reached.push(throttle.fail("a@x", `10.0.0.${i}`).ceilingReached);
  assert.deepEqual(reached.map((r, i) => r ? i : -1).filter((i) => i >= 0), [7]);
  assert.equal(throttle.retryAfter("a@x", "1.1.1.1"), 120);
  assert.equal(throttle.retryAfter("b@x", "1.1.1.1"), 0, "other emails are not affected");
  advance(120_000);
  assert.equal(throttle.retryAfter("a@x", "1.1.1.1"), 0);
});

Deno.test("createLoginThrottle() forgets a client's failures for an email after its success", () => {
  const { throttle } = setup();
  throttle.fail("a@x", "1");
  throttle.fail("a@x", "1");
  throttle.succeed("a@x", "1");
  throttle.fail("a@x", "1");
  throttle.fail("a@x", "1");
  assert.equal(throttle.retryAfter("a@x", "1"), 0);
});

Deno.test("createLoginThrottle() keeps at most maxEntries counters", () => {
  const { throttle } = setup(6);
  for (let i = 0; i < 3; i++) throttle.fail("a@x", "1");
  for (let i = 0; i < 10; i++) throttle.fail(`flood${i}@x`, `10.0.0.${i}`);
  assert.equal(throttle.retryAfter("a@x", "1"), 0, "the oldest counters were dropped");
});
