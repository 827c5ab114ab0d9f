import assert from "node:assert/strict";
import { contentHash } from "./content_hash.ts";

Deno.test("contentHash() hashes the RFC 8785 JSON of the four fields", async () => {
  const note = { subjective: "S", objective: "O", assessment: "A", plan: "P" };
  const json = '{"assessment":"A","objective":"O","plan":"P","subjective":"S"}';
  const expected = Array.from(
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(json))),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  assert.equal(await contentHash(note), expected);
  assert.equal(
    await contentHash({ plan: "P", assessment: "A", objective: "O", subjective: "S" }),
    expected,
  );
});
