import assert from "node:assert/strict";
import { exportJWK, exportSPKI, generateKeyPair, type JWK, SignJWT } from "jose";
import { createTokenVerifier, InvalidTokenError, KeysUnavailableError } from "./mod.ts";
import { REFUSED_ADDRESS } from "@pms/testing";

const ISSUER = "pms-auth";
const AUDIENCE = "pms";
const { privateKey, publicKey } = await generateKeyPair("EdDSA", { extractable: true });
const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid: "k1", alg: "EdDSA", use: "sig" };
const verify = createTokenVerifier({
  jwks: { keys: [publicJwk] },
  issuer: ISSUER,
  audience: AUDIENCE,
});

function b64url(value: string | Uint8Array): string {
  const bytes = typeof value === "string" ? new TextEncoder().encode(value) : value;
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

function sign(
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
  setTimes = (jwt: SignJWT) => jwt.setIssuedAt().setExpirationTime("5m"),
) {
  const jwt = new SignJWT({
    role: "ADMIN",
    uid: "0b6a6f43-3c2e-4c36-9a53-4f1f7d8e2a10",
    sid: "5f0e2c3a-9b1d-4c6e-8a7f-1d2e3f4a5b6c",
    sub: "testuser@test.com",
    iss: ISSUER,
    aud: AUDIENCE,
    ...claims,
  }).setProtectedHeader({ alg: "EdDSA", kid: "k1", ...header } as { alg: string });
  return setTimes(jwt).sign(privateKey);
}

async function rejects(token: string | Promise<string>) {
  await assert.rejects(verify(await token), InvalidTokenError);
}

Deno.test("createTokenVerifier() accepts a valid token and returns its claims", async () => {
  const claims = await verify(await sign());
  assert.equal(claims.sub, "testuser@test.com");
  assert.equal(claims.role, "ADMIN");
});

Deno.test("createTokenVerifier() rejects an expired token", async () => {
  const now = Math.floor(Date.now() / 1000);
  await rejects(sign({}, {}, (jwt) => jwt.setIssuedAt(now - 3600).setExpirationTime(now - 60)));
});

Deno.test("createTokenVerifier() rejects a token that is not yet valid", async () => {
  const now = Math.floor(Date.now() / 1000);
  await rejects(
    sign(
      {},
      {},
      (jwt) => jwt.setIssuedAt(now).setNotBefore(now + 600).setExpirationTime(now + 900),
    ),
  );
});

Deno.test("createTokenVerifier() rejects a token issued in the future, within tolerance not", async () => {
  const now = Math.floor(Date.now() / 1000);
  await rejects(sign({}, {}, (jwt) => jwt.setIssuedAt(now + 600).setExpirationTime(now + 900)));
  await rejects(sign({}, {}, (jwt) => jwt.setIssuedAt(now + 60).setExpirationTime(now + 900)));
  const skewed = await sign({}, {}, (jwt) => jwt.setIssuedAt(now + 2).setExpirationTime(now + 900));
  assert.equal((await verify(skewed)).sub, "testuser@test.com");
});

Deno.test("createTokenVerifier() rejects an unknown kid", async () => {
  await rejects(sign({}, { kid: "other" }));
});

Deno.test("createTokenVerifier() rejects a wrong issuer or audience", async () => {
  await rejects(sign({ iss: "someone-else" }));
  await rejects(sign({ aud: "another-api" }));
});

Deno.test("createTokenVerifier() rejects alg none", async () => {
  const now = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: "none", typ: "JWT", kid: "k1" }));
  const payload = b64url(JSON.stringify({
    sub: "testuser@test.com",
    role: "ADMIN",
    iss: ISSUER,
    aud: AUDIENCE,
    iat: now,
    exp: now + 300,
  }));
  await rejects(`${header}.${payload}.`);
});

Deno.test("createTokenVerifier() rejects HS256 signed with the public key", async () => {
  const pem = await exportSPKI(publicKey);
  const secret = new TextEncoder().encode(pem);
  const forged = await new SignJWT({ role: "ADMIN" })
    .setProtectedHeader({ alg: "HS256", kid: "k1" })
    .setSubject("attacker").setIssuer(ISSUER).setAudience(AUDIENCE)
    .setIssuedAt().setExpirationTime("5m").sign(secret);
  await rejects(forged);
  const forgedJwk = await new SignJWT({ role: "ADMIN" })
    .setProtectedHeader({ alg: "HS256", kid: "k1" })
    .setSubject("attacker").setIssuer(ISSUER).setAudience(AUDIENCE)
    .setIssuedAt().setExpirationTime("5m")
    .sign(new TextEncoder().encode(JSON.stringify(publicJwk)));
  await rejects(forgedJwk);
});

Deno.test("createTokenVerifier() rejects a tampered payload", async () => {
  const token = await sign({ role: "CLINICIAN" });
  const [header, payload, signature] = token.split(".");
  const claims = JSON.parse(atob(payload!.replaceAll("-", "+").replaceAll("_", "/")));
  claims.role = "ADMIN";
  await rejects(`${header}.${b64url(JSON.stringify(claims))}.${signature}`);
});

Deno.test("createTokenVerifier() rejects garbage and unknown roles", async () => {
  await rejects("not-a-jwt");
  await rejects("");
  await rejects(sign({ role: "SUPERUSER" }));
});

Deno.test("createTokenVerifier() reports unreachable keys as KeysUnavailableError", async () => {
  const remote = createTokenVerifier({
    jwksUrl: `http://${REFUSED_ADDRESS}/.well-known/jwks.json`,
    issuer: ISSUER,
    audience: AUDIENCE,
  });
  await assert.rejects(remote(await sign()), KeysUnavailableError);
});

Deno.test("createTokenVerifier() remembers a verified token only until it expires", async () => {
  const cached = createTokenVerifier({
    jwks: { keys: [publicJwk] },
    issuer: ISSUER,
    audience: AUDIENCE,
    clockToleranceSeconds: 0,
  });
  const now = Math.floor(Date.now() / 1000);
  const token = await sign({}, {}, (jwt) => jwt.setIssuedAt(now).setExpirationTime(now + 2));
  assert.equal((await cached(token)).sub, "testuser@test.com");
  assert.equal((await cached(token)).sub, "testuser@test.com", "a second use is a cache hit");
  const [h, p, s] = token.split(".");
  const tampered = `${h}.${
    b64url(
      JSON.stringify({
        ...JSON.parse(atob(p!.replaceAll("-", "+").replaceAll("_", "/"))),
        role: "CLINICIAN",
      }),
    )
  }.${s}`;
  await assert.rejects(cached(tampered), InvalidTokenError, "a changed token is verified anew");
  await new Promise((r) => setTimeout(r, 2100));
  await assert.rejects(cached(token), InvalidTokenError, "expiry is honoured after a hit");
});
