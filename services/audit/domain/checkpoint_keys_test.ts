import assert from "node:assert/strict";
import { ConfigError } from "@pms/config";
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair } from "jose";
import { loadCheckpointKeys } from "./checkpoint_keys.ts";

Deno.test("loadCheckpointKeys() refuses production without AUDIT_CHECKPOINT_KEY, naming it", async () => {
  const error = await loadCheckpointKeys({ appEnv: "production" }).catch((e) => e);
  assert.ok(error instanceof ConfigError);
  assert.deepEqual(error.problems, [
    { variable: "AUDIT_CHECKPOINT_KEY", message: "is required in production" },
  ]);
});

Deno.test("loadCheckpointKeys() generates a key outside production and says so", async () => {
  const keys = await loadCheckpointKeys({ appEnv: "development" });
  assert.equal(keys.generated, true);
  assert.equal(keys.verifying.size, 1);
  assert.ok(keys.verifying.has(keys.keyId));
});

Deno.test("loadCheckpointKeys() reads PKCS8 PEM (also with \\n escapes) or a JWK; keyId is the RFC 7638 thumbprint", async () => {
  const { privateKey } = await generateKeyPair("EdDSA", { extractable: true });
  const pem = await exportPKCS8(privateKey);
  const jwk = await exportJWK(privateKey);
  const thumbprint = await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x });
  for (const key of [pem, pem.replaceAll("\n", "\\n"), JSON.stringify(jwk)]) {
    const keys = await loadCheckpointKeys({ key, appEnv: "production" });
    assert.equal(keys.generated, false);
    assert.equal(keys.keyId, thumbprint);
    assert.deepEqual(keys.publicJwk, { kty: "OKP", crv: "Ed25519", x: jwk.x, kid: thumbprint });
  }
});

Deno.test("loadCheckpointKeys() names the variable of a key that is not an Ed25519 key", async () => {
  const rsa = await crypto.subtle.generateKey(
    {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-256",
    },
    true,
    ["sign", "verify"],
  );
  const rsaPem = await exportPKCS8(rsa.privateKey);
  const cases: [Parameters<typeof loadCheckpointKeys>[0], string][] = [
    [{ key: "not a key", appEnv: "test" }, "AUDIT_CHECKPOINT_KEY"],
    [{ key: rsaPem, appEnv: "test" }, "AUDIT_CHECKPOINT_KEY"],
    [{ key: '{"kty":"OKP","crv":"Ed25519","x":"abc"}', appEnv: "test" }, "AUDIT_CHECKPOINT_KEY"],
    [{ publicKeys: "not json", appEnv: "test" }, "AUDIT_CHECKPOINT_PUBLIC_KEYS"],
    [
      { publicKeys: '[{"kty":"RSA","n":"x","e":"AQAB"}]', appEnv: "test" },
      "AUDIT_CHECKPOINT_PUBLIC_KEYS",
    ],
    [
      { publicKeys: '{"kty":"OKP","crv":"Ed25519","x":"!!"}', appEnv: "test" },
      "AUDIT_CHECKPOINT_PUBLIC_KEYS",
    ],
  ];
  for (const [source, variable] of cases) {
    const error = await loadCheckpointKeys(source).catch((e) => e);
    assert.ok(error instanceof ConfigError, JSON.stringify(source));
    assert.equal(error.problems[0]?.variable, variable, JSON.stringify(source));
  }
});

Deno.test("loadCheckpointKeys() takes earlier public keys as a JWK, an array or a JWK Set", async () => {
  const earlier = await loadCheckpointKeys({ appEnv: "test" });
  const jwk = earlier.publicJwk;
  for (
    const text of [JSON.stringify(jwk), JSON.stringify([jwk]), JSON.stringify({ keys: [jwk] })]
  ) {
    const keys = await loadCheckpointKeys({ publicKeys: text, appEnv: "test" });
    assert.equal(keys.verifying.size, 2);
    assert.ok(keys.verifying.has(earlier.keyId));
  }
});
