import assert from "node:assert/strict";
import { createIdempotencyStore } from "@pms/http";
import { createTokenVerifier } from "@pms/jwt";
import { openTestDatabase, silentLogger, testServiceApp } from "@pms/testing";
import { mountAuthRoutes } from "./app.ts";
import { createLoginThrottle } from "./domain/login_throttle.ts";
import { loadSigningKey } from "./domain/signing_key.ts";
import { createTokenIssuer } from "./domain/token_issuer.ts";
import { seedDemoUsers } from "./seed.ts";
import { createUserStore } from "./store/user_store.ts";
import { createSessionStore } from "./store/session_store.ts";

async function setup() {
  const testDb = await openTestDatabase("auth", new URL("./migrations", import.meta.url));
  const { db } = testDb;
  const users = createUserStore(db.sql);
  await seedDemoUsers(users, 10, silentLogger());
  await seedDemoUsers(users, 10, silentLogger());
  const key = await loadSigningKey({ appEnv: "test" });
  const verify = createTokenVerifier({
    jwks: { keys: [key.publicJwk] },
    issuer: "i",
    audience: "a",
  });
  const app = testServiceApp((app) =>
    mountAuthRoutes(app, {
      users,
      sessions: createSessionStore(db.sql, { idleSeconds: 1800, absoluteSeconds: 43_200 }),
      keys: createIdempotencyStore(db.sql, { ttlSeconds: 86_400 }),
      ttlSeconds: 60,
      throttle: createLoginThrottle({
        maxPerEmail: 5,
        maxPerClient: 20,
        windowMs: 60_000,
        maxPerEmailGlobal: 100,
        globalWindowMs: 900_000,
      }),
      issueToken: createTokenIssuer({ key, issuer: "i", audience: "a", ttlSeconds: 60 }),
      bcryptCost: 10,
      trustProxy: true,
      verify,
      publicKeys: [key.publicJwk],
      maxBodyBytes: 1024,
    }), { health: () => db.ping(), title: "Auth Service API" });
  return {
    app,
    db,
    verify,
    close: () => testDb[Symbol.asyncDispose](),
  };
}

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  body: typeof body === "string" ? body : JSON.stringify(body),
  headers: { "Content-Type": "application/json", ...headers },
});

Deno.test("the auth app logs the seeded user in, once seeded", async () => {
  const t = await setup();
  try {
    const [row] = await t.db.sql<{ n: number }[]>`select count(*)::int as n from users`;
    assert.equal(row?.n, 5, "seeding twice inserts once: the reference user and one per role");
    const res = await t.app.request(
      "/login",
      json({ email: "TestUser@Test.com ", password: "password123" }),
    );
    assert.equal(res.status, 200);
    const { token } = await res.json();
    assert.equal((await t.verify(token)).sub, "testuser@test.com");
    const ok = await t.app.request("/validate", { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(ok.status, 200);
    assert.equal((await ok.json()).valid, true);
  } finally {
    await t.close();
  }
});

Deno.test("the auth app answers a wrong password and an unknown email the same way", async () => {
  const t = await setup();
  try {
    const wrong = await t.app.request(
      "/login",
      json({ email: "testuser@test.com", password: "password124" }),
    );
    const unknown = await t.app.request(
      "/login",
      json({ email: "ghost@test.com", password: "password123" }),
    );
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.deepEqual(await wrong.json(), { message: "Invalid email or password" });
    assert.deepEqual(await unknown.json(), { message: "Invalid email or password" });
  } finally {
    await t.close();
  }
});

Deno.test("the auth app rejects malformed login bodies with 4xx JSON", async () => {
  const t = await setup();
  try {
    const cases: [RequestInit, number][] = [
      [json("{oops"), 400],
      [json("[]"), 400],
      [json({}), 400],
      [json({ email: "not-an-email", password: "x" }), 400],
      [json({ email: 5, password: ["x"] }), 400],
      [json({ email: "a@b.co", password: "password123", admin: true }), 400],
      [json({ email: "x'; drop table users; --", password: "p" }), 400],
      [json({ email: "😀@example.com", password: "password123" }), 400],
      [{ method: "POST", body: "email=a", headers: { "Content-Type": "text/plain" } }, 415],
      [json({ email: "a@b.co", password: "x".repeat(5000) }), 413],
    ];
    for (const [init, status] of cases) {
      const res = await t.app.request("/login", init);
      assert.equal(res.status, status, String(init.body).slice(0, 40));
      assert.equal(typeof (await res.json()), "object");
    }
    const [row] = await t.db.sql<{ n: number }[]>`select count(*)::int as n from users`;
    assert.equal(row?.n, 5, "no user made or lost");
  } finally {
    await t.close();
  }
});

Deno.test("the auth app throttles repeated failures with 429 and Retry-After", async () => {
  const t = await setup();
  try {
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 7; i++) {
      last = await t.app.request(
        "/login",
        json({ email: "testuser@test.com", password: `bad-${i}-pass` }),
      );
      statuses.push(last.status);
      if (i < 6) await last.body?.cancel();
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429]);
    assert.ok(Number(last!.headers.get("Retry-After")) > 0);
    assert.ok((await last!.json()).message);
    const right = await t.app.request(
      "/login",
      json({ email: "testuser@test.com", password: "password123" }),
    );
    assert.equal(right.status, 429, "even the right password waits");
    await right.body?.cancel();
    // A stranger's flood does not lock the account for everyone: another client still logs in.
    const elsewhere = await t.app.request(
      "/login",
      json({ email: "testuser@test.com", password: "password123" }, {
        "X-Forwarded-For": "10.20.30.40",
      }),
    );
    assert.equal(elsewhere.status, 200, "another client is not locked out");
    await elsewhere.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("the auth app serves JWKS, OpenAPI and health; /validate refuses bad tokens", async () => {
  const t = await setup();
  try {
    const jwks = await t.app.request("/.well-known/jwks.json");
    assert.match(jwks.headers.get("Cache-Control") ?? "", /max-age/);
    const { keys } = await jwks.json();
    assert.deepEqual(Object.keys(keys[0]).sort(), ["alg", "crv", "kid", "kty", "use", "x"]);
    const doc = await (await t.app.request("/v3/api-docs")).json();
    assert.ok(doc.paths["/login"]);
    assert.ok(doc.paths["/validate"]);
    assert.deepEqual(await (await t.app.request("/health")).json(), { status: "UP" });
    for (const header of [undefined, "Bearer", "Basic dXNlcjpwYXNz", "Bearer a.b.c"]) {
      const res = await t.app.request("/validate", {
        headers: header ? { Authorization: header } : {},
      });
      assert.equal(res.status, 401, header);
      await res.body?.cancel();
    }
  } finally {
    await t.close();
  }
});
