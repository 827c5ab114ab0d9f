import assert from "node:assert/strict";
import { chainHash, GENESIS_HASH } from "./chain_hash.ts";

Deno.test("chainHash() hashes prevHash and the canonical JSON, ignoring key order and hash", async () => {
  const a = chainHash(GENESIS_HASH, { seq: 1, b: [1, "x"], a: { d: null, c: true } });
  const b = chainHash(GENESIS_HASH, {
    a: { c: true, d: null },
    hash: "ignored",
    b: [1, "x"],
    seq: 1,
  });
  assert.equal(a, b);
  // sha256("000…0" + '{"a":{"c":true,"d":null},"b":[1,"x"],"seq":1}')
  const text = GENESIS_HASH + '{"a":{"c":true,"d":null},"b":[1,"x"],"seq":1}';
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  assert.equal(
    a,
    Array.from(new Uint8Array(digest), (x) => x.toString(16).padStart(2, "0")).join(""),
  );
  assert.notEqual(chainHash(a, { seq: 1 }), chainHash(GENESIS_HASH, { seq: 1 }));
});
