import assert from "node:assert/strict";
import { forwardedFor } from "./forwarded_for.ts";

Deno.test("forwardedFor() appends the peer when no proxy is trusted, whatever the client wrote", () => {
  assert.equal(forwardedFor(undefined, "192.0.2.7", 0), "192.0.2.7");
  assert.equal(forwardedFor("203.0.113.9", "192.0.2.7", 0), "203.0.113.9, 192.0.2.7");
  assert.equal(forwardedFor(" , ", "192.0.2.7", 0), "192.0.2.7");
  assert.equal(forwardedFor(undefined, undefined, 0), undefined);
});

Deno.test("forwardedFor() ends with the entry TRUSTED_PROXY_HOPS from the right behind proxies", () => {
  // One load balancer: it appended the client it saw; what the client wrote stays left of it.
  assert.equal(forwardedFor("203.0.113.9", "10.0.0.5", 1), "203.0.113.9");
  assert.equal(forwardedFor("6.6.6.6, 203.0.113.9", "10.0.0.5", 1), "6.6.6.6, 203.0.113.9");
  // Two proxies: the second one's entry (the first proxy's address) is dropped.
  assert.equal(
    forwardedFor("6.6.6.6, 203.0.113.9, 10.0.0.9", "10.0.0.5", 2),
    "6.6.6.6, 203.0.113.9",
  );
  // Fewer entries than trusted hops: the leftmost, which a trusted proxy wrote.
  assert.equal(forwardedFor("203.0.113.9", "10.0.0.5", 3), "203.0.113.9");
  // No header at all: the peer.
  assert.equal(forwardedFor(undefined, "10.0.0.5", 1), "10.0.0.5");
});
