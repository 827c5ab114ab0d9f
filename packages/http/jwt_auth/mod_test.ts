import assert from "node:assert/strict";
import { Hono } from "hono";
import { InvalidTokenError, KeysUnavailableError, type TokenClaims } from "@pms/jwt";
import { type AppEnv, errorHandler, jwtAuth } from "../mod.ts";
import { memoryLogger } from "../_test_util.ts";

const claims: TokenClaims = {
  sub: "a@b.c",
  uid: "u",
  role: "ADMIN",
  sid: "s",
  iat: 1,
  exp: 2,
  iss: "i",
  aud: "a",
};

function makeApp(verify: (token: string) => Promise<TokenClaims>) {
  const { logger } = memoryLogger();
  return new Hono<AppEnv>().use(jwtAuth({ verify }))
    .get("/x", (c) => c.json({ sub: c.get("user").sub }))
    .onError(errorHandler({ logger }));
}

Deno.test("jwtAuth() passes a verified token's claims on", async () => {
  const app = makeApp((token) => token === "good" ? Promise.resolve(claims) : Promise.reject());
  const res = await app.request("/x", { headers: { Authorization: "Bearer good" } });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { sub: "a@b.c" });
});

Deno.test("jwtAuth() answers 401 JSON for a missing header or wrong scheme", async () => {
  const app = makeApp(() => Promise.resolve(claims));
  const cases: Record<string, string>[] = [{}, { Authorization: "Basic abc" }, {
    Authorization: "Bearer",
  }];
  for (const headers of cases) {
    const res = await app.request("/x", { headers });
    assert.equal(res.status, 401);
    assert.ok(res.headers.get("WWW-Authenticate"));
    assert.ok((await res.json()).message);
  }
});

Deno.test("jwtAuth() answers 401 for an invalid token and 503 when keys are unreachable", async () => {
  const invalid = makeApp(() => Promise.reject(new InvalidTokenError()));
  const res = await invalid.request("/x", { headers: { Authorization: "Bearer bad" } });
  assert.equal(res.status, 401);
  assert.deepEqual(await res.json(), { message: "Invalid or expired token" });
  const down = makeApp(() => Promise.reject(new KeysUnavailableError()));
  const res2 = await down.request("/x", { headers: { Authorization: "Bearer x" } });
  assert.equal(res2.status, 503);
  await res2.body?.cancel();
});

Deno.test("jwtAuth() refuses an enrolment-only token with 403 unless the route allows it", async () => {
  const enrol: TokenClaims = { ...claims, amr: ["pwd"], mfa_enroll: true };
  const strict = makeApp(() => Promise.resolve(enrol));
  const res = await strict.request("/x", { headers: { Authorization: "Bearer t" } });
  assert.equal(res.status, 403);
  assert.deepEqual(await res.json(), { message: "MFA enrollment required" });
  const { logger } = memoryLogger();
  const allowing = new Hono<AppEnv>()
    .use(jwtAuth({ verify: () => Promise.resolve(enrol), allowMfaEnrollment: true }))
    .get("/x", (c) => c.json({ sub: c.get("user").sub }))
    .onError(errorHandler({ logger }));
  const ok = await allowing.request("/x", { headers: { Authorization: "Bearer t" } });
  assert.equal(ok.status, 200);
  await ok.body?.cancel();
  const full = makeApp(() => Promise.resolve({ ...claims, amr: ["pwd", "otp"] }));
  const res2 = await full.request("/x", { headers: { Authorization: "Bearer t" } });
  assert.equal(res2.status, 200);
  await res2.body?.cancel();
});
