import assert from "node:assert/strict";
import canonicalize from "canonicalize";
import { base64url, exportPKCS8, generateKeyPair } from "jose";
import { parseCheckpoint } from "./checkpoint.ts";
import { checkpointSignatureHolds } from "./checkpoint_signature_holds.ts";
import { signCheckpoint } from "./sign_checkpoint.ts";
import { loadCheckpointKeys } from "./checkpoint_keys.ts";

const HASH = "ab".repeat(32);

Deno.test("signCheckpoint() signs the RFC 8785 JSON of seq, hash, time and keyId with Ed25519", async () => {
  const keys = await loadCheckpointKeys({ appEnv: "test" });
  const time = new Date("2026-03-01T10:00:00.123Z");
  const checkpoint = await signCheckpoint(keys, { seq: 1000, hash: HASH }, time);
  assert.deepEqual(Object.keys(checkpoint), ["seq", "hash", "time", "keyId", "signature"]);
  assert.equal(checkpoint.time, "2026-03-01T10:00:00.123Z");
  assert.equal(checkpoint.keyId, keys.keyId);
  // Checked with WebCrypto alone, over the canonical JSON (keys sorted, no spaces).
  const signed = `{"hash":"${HASH}","keyId":"${keys.keyId}","seq":1000,` +
    `"time":"2026-03-01T10:00:00.123Z"}`;
  assert.equal(
    canonicalize({ seq: 1000, hash: HASH, time: checkpoint.time, keyId: keys.keyId }),
    signed,
  );
  const publicKey = keys.verifying.get(keys.keyId)!;
  assert.equal(
    await crypto.subtle.verify(
      "Ed25519",
      publicKey,
      new Uint8Array(base64url.decode(checkpoint.signature)),
      new TextEncoder().encode(signed),
    ),
    true,
  );
  assert.equal(await checkpointSignatureHolds(checkpoint, keys.verifying), true);
});

Deno.test("checkpointSignatureHolds() is false for a tampered checkpoint or an unknown key", async () => {
  const keys = await loadCheckpointKeys({ appEnv: "test" });
  const other = await loadCheckpointKeys({ appEnv: "test" });
  const checkpoint = await signCheckpoint(keys, { seq: 7, hash: HASH });
  const flipped = checkpoint.signature.startsWith("A") ? "B" : "A";
  const tampered = [
    { ...checkpoint, seq: 8 },
    { ...checkpoint, hash: "cd".repeat(32) },
    { ...checkpoint, time: "2030-01-01T00:00:00.000Z" },
    { ...checkpoint, signature: flipped + checkpoint.signature.slice(1) },
    { ...checkpoint, signature: "not base64url!" },
    { ...checkpoint, signature: "" },
    { ...checkpoint, keyId: other.keyId },
  ];
  for (const bad of tampered) {
    assert.equal(await checkpointSignatureHolds(bad, keys.verifying), false, JSON.stringify(bad));
  }
  // Signed by another key: unknown here even with its own key id.
  const foreign = await signCheckpoint(other, { seq: 7, hash: HASH });
  assert.equal(await checkpointSignatureHolds(foreign, keys.verifying), false);
  assert.equal(await checkpointSignatureHolds(foreign, other.verifying), true);
});

Deno.test("checkpointSignatureHolds() verifies a rotated key's checkpoints through AUDIT_CHECKPOINT_PUBLIC_KEYS", async () => {
  const old = await loadCheckpointKeys({ appEnv: "test" });
  const before = await signCheckpoint(old, { seq: 1000, hash: HASH });
  const { privateKey } = await generateKeyPair("EdDSA", { extractable: true });
  const rotated = await loadCheckpointKeys({
    key: await exportPKCS8(privateKey),
    publicKeys: JSON.stringify({ keys: [old.publicJwk] }),
    appEnv: "production",
  });
  assert.notEqual(rotated.keyId, old.keyId);
  const after = await signCheckpoint(rotated, { seq: 2000, hash: HASH });
  assert.equal(after.keyId, rotated.keyId);
  assert.equal(await checkpointSignatureHolds(before, rotated.verifying), true);
  assert.equal(await checkpointSignatureHolds(after, rotated.verifying), true);
  // Without the old public key, the old checkpoints fail.
  const forgetful = await loadCheckpointKeys({
    key: await exportPKCS8(privateKey),
    appEnv: "production",
  });
  assert.equal(await checkpointSignatureHolds(before, forgetful.verifying), false);
});

Deno.test("parseCheckpoint() takes the five fields and refuses anything else", () => {
  const good = { seq: 3, hash: HASH, time: "2026-01-01T00:00:00.000Z", keyId: "k", signature: "s" };
  assert.deepEqual(parseCheckpoint({ ...good, extra: 1 }), good);
  for (
    const bad of [null, "x", 1, {}, { ...good, seq: "3" }, { ...good, seq: 0 }, {
      ...good,
      seq: 1.5,
    }, {
      ...good,
      hash: 1,
    }, { ...good, signature: undefined }]
  ) {
    assert.equal(parseCheckpoint(bad), undefined, JSON.stringify(bad));
  }
});
