import assert from "node:assert/strict";
import { parseMfaKeyring } from "./mfa_keyring.ts";
import { createSecretCipher } from "./secret_cipher.ts";

const key = (fill: number) => btoa(String.fromCharCode(...new Uint8Array(32).fill(fill)));
const secret = new TextEncoder().encode("12345678901234567890");

Deno.test("createSecretCipher() encrypts under the first key and opens by each value's kid", async () => {
  const old = await createSecretCipher(parseMfaKeyring(`k1:${key(1)}`));
  const stored = await old.encrypt(secret, "user-1");
  assert.match(stored, /^k1:/);
  assert.ok(!stored.includes(btoa("12345678901234567890")), "the secret is not stored as given");
  const rotated = await createSecretCipher(parseMfaKeyring(`k2:${key(2)}, k1:${key(1)}`));
  assert.deepEqual(await rotated.decrypt(stored, "user-1"), secret);
  const fresh = await rotated.encrypt(secret, "user-1");
  assert.match(fresh, /^k2:/);
  assert.notEqual(await rotated.encrypt(secret, "user-1"), fresh, "a fresh IV each time");
  await assert.rejects(() => rotated.decrypt(stored, "user-2"), "bound to its user");
  const dropped = await createSecretCipher(parseMfaKeyring(`k2:${key(2)}`));
  await assert.rejects(() => dropped.decrypt(stored, "user-1"), /not in MFA_ENCRYPTION_KEY/);
});

Deno.test("parseMfaKeyring() refuses malformed keyrings without repeating a key", () => {
  const cases: [string, RegExp][] = [
    ["", /at least one/],
    [key(1), /kid:key/],
    ["k1:not base64!", /not base64/],
    [`k1:${btoa("short")}`, /32 bytes/],
    [`k1:${key(1)},k1:${key(2)}`, /repeats/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseMfaKeyring(text), (error: Error) => {
      assert.match(error.message, message);
      assert.ok(!error.message.includes(key(1)));
      return true;
    });
  }
  assert.equal(parseMfaKeyring(`a:${key(1)},b-2:${key(2)}`).length, 2);
});
