import assert from "node:assert/strict";
import { generateKeyPair } from "jose";
import { ConfigError } from "@pms/config";
import { loadSigningKey, toPem } from "./signing_key.ts";
import { createTokenIssuer } from "./token_issuer.ts";
import { createTokenVerifier } from "@pms/jwt";

Deno.test("loadSigningKey() reads a PKCS8 PEM and publishes only the public half", async () => {
  const { privateKey } = await generateKeyPair("EdDSA", { extractable: true });
  const key = await loadSigningKey({ pem: await toPem(privateKey), appEnv: "production" });
  assert.equal(key.generated, false);
  assert.equal(key.publicJwk.kty, "OKP");
  assert.equal(key.publicJwk.d, undefined);
  assert.equal(key.publicJwk.kid, key.kid);
  const escaped = await loadSigningKey({
    pem: (await toPem(privateKey)).replaceAll("\n", "\\n"),
    kid: "k-2026",
    appEnv: "production",
  });
  assert.equal(escaped.kid, "k-2026");
});

Deno.test("loadSigningKey() generates a key outside production only", async () => {
  assert.equal((await loadSigningKey({ appEnv: "development" })).generated, true);
  await assert.rejects(loadSigningKey({ appEnv: "production" }), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.problems[0]?.variable, "JWT_PRIVATE_KEY");
    return true;
  });
});

Deno.test("loadSigningKey() names the variable of a bad key", async () => {
  await assert.rejects(
    loadSigningKey({
      pem: "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----",
      appEnv: "test",
    }),
    /JWT_PRIVATE_KEY: must be an Ed25519 private key/,
  );
  await assert.rejects(
    loadSigningKey({ file: "/nonexistent/key.pem", appEnv: "test" }),
    /JWT_PRIVATE_KEY_FILE: cannot read the key file/,
  );
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  await assert.rejects(
    loadSigningKey({ pem: await toPem(privateKey), appEnv: "test" }),
    ConfigError,
  );
});

Deno.test("createTokenIssuer() signs tokens the shared verifier accepts", async () => {
  const key = await loadSigningKey({ appEnv: "test" });
  const issue = createTokenIssuer({ key, issuer: "iss", audience: "aud", ttlSeconds: 60 });
  const uid = crypto.randomUUID();
  const sid = crypto.randomUUID();
  const token = await issue({ id: uid, email: "testuser@test.com", role: "ADMIN" }, sid);
  const header = JSON.parse(atob(token.split(".")[0]!.replaceAll("-", "+").replaceAll("_", "/")));
  assert.deepEqual(header, { alg: "EdDSA", kid: key.kid, typ: "JWT" });
  const verify = createTokenVerifier({
    jwks: { keys: [key.publicJwk] },
    issuer: "iss",
    audience: "aud",
  });
  const claims = await verify(token);
  assert.equal(claims.sub, "testuser@test.com");
  assert.equal(claims.role, "ADMIN");
  assert.equal(claims.uid, uid);
  assert.equal(claims.sid, sid);
  assert.equal(claims.exp - claims.iat, 60);
});
