import assert from "node:assert/strict";
import { type AuditRecord, auditTrail, createAuditRecorder } from "@pms/audit";
import { createIdempotencyStore } from "@pms/http";
import { createTokenVerifier } from "@pms/jwt";
import type { RevocationPage } from "@pms/revocation";
import { openTestDatabase, silentLogger, testServiceApp } from "@pms/testing";
import { mountAuthRoutes } from "./app.ts";
import { createLoginThrottle } from "./domain/login_throttle.ts";
import { loadSigningKey } from "./domain/signing_key.ts";
import { createTokenIssuer } from "./domain/token_issuer.ts";
import { seedDemoUsers } from "./seed.ts";
import { createUserStore } from "./store/user_store.ts";
import { createSessionStore } from "./store/session_store.ts";
import { createRevocationStore } from "./store/revocation_store.ts";
import { createMfaStore } from "./store/mfa_store.ts";
import { parseMfaKeyring } from "./domain/mfa_keyring.ts";
import { createSecretCipher } from "./domain/secret_cipher.ts";

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
  const cipher = await createSecretCipher(parseMfaKeyring(`t:${btoa("k".repeat(32))}`));
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
      revocations: createRevocationStore(db.sql, { liveSeconds: 90, pageSize: 3 }),
      maxBodyBytes: 1024,
      mfa: createMfaStore(db.sql),
      cipher,
      mfaRequiredRoles: [],
    }), {
    health: () => db.ping(),
    title: "Auth Service API",
    // The audit trail as the runner installs it (first), recording to the service's outbox.
    middleware: [
      auditTrail({
        service: "auth",
        recorder: createAuditRecorder(db.sql),
      }),
    ],
  });
  let seen = "0";
  return {
    app,
    db,
    verify,
    /** The records `audit_outbox` gained since the last look, in order. */
    async newRecords(): Promise<AuditRecord[]> {
      const rows = await db.sql<{ id: string; records: string }[]>`
        select id::text, records from audit_outbox where id > ${seen}::bigint order by id`;
      seen = rows.at(-1)?.id ?? seen;
      // Each row is a group commit: lines of `<id>\t<record JSON>`.
      return rows.flatMap((row) =>
        row.records.split("\n").filter(Boolean).map((line) => JSON.parse(line.split("\t")[1]!))
      );
    },
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

/** What a record says about the call: who, what, how it went, and the details. */
function summary(record: Omit<AuditRecord, "id" | "time" | "service">) {
  const { actor, action, outcome, details } = record;
  return { actor, action, outcome, details };
}

/** The one record a call left, without the parts that differ per call. */
function only(records: AuditRecord[]) {
  assert.equal(records.length, 1, JSON.stringify(records));
  const { id, time, service, ...rest } = records[0]!;
  assert.match(id, /^[0-9a-f-]{36}$/);
  assert.ok(Date.parse(time) > 0);
  assert.equal(service, "auth");
  return rest;
}

async function login(t: Awaited<ReturnType<typeof setup>>, email: string, password: string) {
  const res = await t.app.request("/login", json({ email, password }));
  assert.equal(res.status, 200);
  return await res.json() as { token: string; refreshToken: string };
}

const bearer = (token: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...init.headers as Record<string, string>, Authorization: `Bearer ${token}` },
});

Deno.test("the auth app audits a login: the user as actor, or a refusal with the email and why", async () => {
  const t = await setup();
  try {
    const [admin] = await t.db.sql<{ id: string }[]>`
      select id from users where email = 'testuser@test.com'`;
    const ok = await t.app.request(
      "/login",
      json({ email: "TestUser@test.com", password: "password123" }, {
        "X-Request-Id": "req-login-1",
        "X-Forwarded-For": "203.0.113.7",
      }),
    );
    assert.equal(ok.status, 200);
    const { token, refreshToken } = await ok.json();
    const success = await t.newRecords();
    const { traceId, ...record } = only(success);
    assert.match(traceId ?? "", /^[0-9a-f]{32}$/);
    assert.deepEqual(record, {
      actor: { userId: admin!.id, email: "testuser@test.com", role: "ADMIN" },
      action: "auth.login",
      outcome: "SUCCESS",
      patientIds: [],
      clientAddress: "203.0.113.7",
      requestId: "req-login-1",
      details: {},
    });

    const cases: [Record<string, unknown>, number, string, Record<string, unknown>][] = [
      [{ email: "testuser@test.com", password: "wrong-secret-1" }, 401, "DENIED", {
        email: "testuser@test.com",
        reason: "wrong-password",
      }],
      [{ email: "Ghost@test.com", password: "wrong-secret-2" }, 401, "DENIED", {
        email: "ghost@test.com",
        reason: "unknown-email",
      }],
      [{ email: "not-an-email", password: "wrong-secret-3" }, 400, "FAILED", {}],
    ];
    for (const [body, status, outcome, details] of cases) {
      const res = await t.app.request("/login", json(body));
      assert.equal(res.status, status);
      await res.body?.cancel();
      const records = await t.newRecords();
      assert.deepEqual(summary(only(records)), {
        actor: null,
        action: "auth.login",
        outcome,
        details,
      });
      assert.ok(!JSON.stringify(records).includes(String(body.password)), "no password");
    }
    const all = JSON.stringify(success);
    assert.ok(!all.includes("password123") && !all.includes(token) && !all.includes(refreshToken));
  } finally {
    await t.close();
  }
});

Deno.test("the auth app audits a throttled login and a disabled user's login as such", async () => {
  const t = await setup();
  try {
    const { token } = await login(t, "testuser@test.com", "password123");
    const [clinician] = await t.db.sql<{ id: string }[]>`
      select id from users where email = 'clinician@test.com'`;
    const disable = await t.app.request(
      `/users/${clinician!.id}`,
      bearer(token, { ...json({ disabled: true }), method: "PATCH" }),
    );
    assert.equal(disable.status, 200);
    await disable.body?.cancel();
    await t.newRecords();
    const refused = await t.app.request(
      "/login",
      json({ email: "clinician@test.com", password: "demo-password-2026" }),
    );
    assert.equal(refused.status, 401);
    await refused.body?.cancel();
    assert.deepEqual(only(await t.newRecords()).details, {
      email: "clinician@test.com",
      reason: "disabled",
    });
    for (let i = 0; i < 6; i++) {
      const res = await t.app.request(
        "/login",
        json({ email: "frontdesk@test.com", password: `bad-${i}-pass` }),
      );
      await res.body?.cancel();
    }
    const records = await t.newRecords();
    assert.deepEqual(records.map((r) => [r.outcome, r.details.reason]), [
      ["DENIED", "wrong-password"],
      ["DENIED", "wrong-password"],
      ["DENIED", "wrong-password"],
      ["DENIED", "wrong-password"],
      ["DENIED", "wrong-password"],
      ["FAILED", "throttled"],
    ]);
    assert.deepEqual(records[5]?.details, { email: "frontdesk@test.com", reason: "throttled" });
  } finally {
    await t.close();
  }
});

Deno.test("the auth app audits a user create once, in its transaction, without the password", async () => {
  const t = await setup();
  try {
    const { token } = await login(t, "testuser@test.com", "password123");
    const [admin] = await t.db.sql<{ id: string }[]>`
      select id from users where email = 'testuser@test.com'`;
    await t.newRecords();
    const body = {
      email: "ada@clinic.example",
      name: "Ada",
      role: "CLINICIAN",
      password: "analytical engine 1843",
    };
    const created = await t.app.request(
      "/users",
      bearer(token, json(body, { "Idempotency-Key": "create-ada" })),
    );
    assert.equal(created.status, 201);
    const user = await created.json();
    const records = await t.newRecords();
    assert.deepEqual(summary(only(records)), {
      actor: { userId: admin!.id, email: "testuser@test.com", role: "ADMIN" },
      action: "user.create",
      outcome: "SUCCESS",
      details: { userId: user.id, email: "ada@clinic.example", role: "CLINICIAN" },
    });
    assert.ok(!JSON.stringify(records).includes(body.password));

    const replay = await t.app.request(
      "/users",
      bearer(token, json(body, { "Idempotency-Key": "create-ada" })),
    );
    assert.equal(replay.headers.get("Idempotent-Replayed"), "true");
    await replay.body?.cancel();
    assert.deepEqual(only(await t.newRecords()).details, { userId: user.id, replayed: true });

    const duplicate = await t.app.request("/users", bearer(token, json(body)));
    assert.equal(duplicate.status, 409);
    await duplicate.body?.cancel();
    const failed = only(await t.newRecords());
    assert.deepEqual([failed.outcome, failed.details], ["FAILED", {
      email: "ada@clinic.example",
      role: "CLINICIAN",
    }]);
  } finally {
    await t.close();
  }
});

Deno.test("the auth app audits 401 and 403 at the users API as DENIED, naming what was asked", async () => {
  const t = await setup();
  try {
    const { token } = await login(t, "clinician@test.com", "demo-password-2026");
    const [clinician] = await t.db.sql<{ id: string }[]>`
      select id from users where email = 'clinician@test.com'`;
    await t.newRecords();
    const search = await t.app.request("/users?search=ada&page=0", bearer(token));
    assert.equal(search.status, 403);
    await search.body?.cancel();
    const denied = only(await t.newRecords());
    assert.deepEqual(summary(denied), {
      actor: { userId: clinician!.id, email: "clinician@test.com", role: "CLINICIAN" },
      action: "user.search",
      outcome: "DENIED",
      details: { search: "ada", page: "0" },
    });
    assert.equal(denied.requestId, search.headers.get("X-Request-Id"));

    const read = await t.app.request(`/users/${clinician!.id}`, bearer(token));
    assert.equal(read.status, 403);
    await read.body?.cancel();
    assert.deepEqual(summary(only(await t.newRecords())), {
      actor: { userId: clinician!.id, email: "clinician@test.com", role: "CLINICIAN" },
      action: "user.read",
      outcome: "DENIED",
      details: { userId: clinician!.id },
    });

    const anonymous = await t.app.request("/users", json({}));
    assert.equal(anonymous.status, 401);
    await anonymous.body?.cancel();
    assert.deepEqual(summary(only(await t.newRecords())), {
      actor: null,
      action: "user.create",
      outcome: "DENIED",
      details: {},
    });

    // Not audited: the own account, /validate, the keys.
    for (const path of ["/me", "/validate", "/.well-known/jwks.json"]) {
      await (await t.app.request(path, bearer(token))).body?.cancel();
    }
    assert.deepEqual(await t.newRecords(), []);
  } finally {
    await t.close();
  }
});

Deno.test("the auth app audits refresh, reuse, logout, updates and password changes once each", async () => {
  const t = await setup();
  try {
    const { token, refreshToken } = await login(t, "testuser@test.com", "password123");
    const [admin] = await t.db.sql<{ id: string }[]>`
      select id from users where email = 'testuser@test.com'`;
    const [billing] = await t.db.sql<{ id: string }[]>`
      select id from users where email = 'billing@test.com'`;
    const adminActor = { userId: admin!.id, email: "testuser@test.com", role: "ADMIN" };
    await t.newRecords();
    const call = async (path: string, init: RequestInit, status: number) => {
      const res = await t.app.request(path, init);
      assert.equal(res.status, status, path);
      const text = await res.text();
      return { text, record: summary(only(await t.newRecords())) };
    };

    const refreshed = await call("/refresh", json({ refreshToken }), 200);
    assert.deepEqual(refreshed.record, {
      actor: adminActor,
      action: "auth.refresh",
      outcome: "SUCCESS",
      details: {},
    });
    const next = JSON.parse(refreshed.text) as { token: string; refreshToken: string };
    const [session] = await t.db.sql<{ id: string }[]>`
      select id from sessions where user_id = ${admin!.id}`;
    assert.deepEqual((await call("/refresh", json({ refreshToken }), 401)).record, {
      actor: null,
      action: "auth.refresh.reuse",
      outcome: "DENIED",
      details: { reason: "reused", sessionId: session!.id, userId: admin!.id },
    });
    assert.deepEqual((await call("/refresh", json({ refreshToken: "nonsense" }), 401)).record, {
      actor: null,
      action: "auth.refresh",
      outcome: "DENIED",
      details: { reason: "unknown" },
    });
    assert.ok(!JSON.stringify(refreshed.record).includes(next.refreshToken));

    // The reuse ended that session: log in again for the rest.
    const fresh = await login(t, "testuser@test.com", "password123");
    await t.newRecords();
    const patch = (body: unknown) => bearer(fresh.token, { ...json(body), method: "PATCH" });
    assert.deepEqual(
      (await call(`/users/${billing!.id}`, patch({ name: "Bill", role: "BILLING" }), 200)).record,
      {
        actor: adminActor,
        action: "user.update",
        outcome: "SUCCESS",
        details: { userId: billing!.id, fields: ["name"] },
      },
    );
    assert.deepEqual(
      (await call(`/users/${admin!.id}`, patch({ role: "AUDITOR" }), 409)).record,
      {
        actor: adminActor,
        action: "user.update",
        outcome: "FAILED",
        details: { userId: admin!.id, fields: ["role"] },
      },
      "a refused change leaves only its FAILED record",
    );
    const reset = await call(
      `/users/${billing!.id}/password`,
      bearer(fresh.token, { ...json({ password: "a brand new passphrase" }), method: "PUT" }),
      204,
    );
    assert.deepEqual(reset.record, {
      actor: adminActor,
      action: "user.password.reset",
      outcome: "SUCCESS",
      details: { userId: billing!.id },
    });
    const own = (body: unknown) => bearer(fresh.token, json(body));
    assert.deepEqual(
      (await call("/me/password", own({ currentPassword: "nope", newPassword: "x" }), 400)).record,
      {
        actor: adminActor,
        action: "auth.password.change",
        outcome: "FAILED",
        details: { reason: "wrong-current-password" },
      },
    );
    const changed = await call(
      "/me/password",
      own({ currentPassword: "password123", newPassword: "another long passphrase" }),
      204,
    );
    assert.deepEqual(changed.record, {
      actor: adminActor,
      action: "auth.password.change",
      outcome: "SUCCESS",
      details: {},
    });
    const logout = await call("/logout", bearer(fresh.token, { method: "POST" }), 204);
    assert.deepEqual(logout.record, {
      actor: adminActor,
      action: "auth.logout",
      outcome: "SUCCESS",
      details: {},
    });
    const [outbox] = await t.db.sql<{ all: string }[]>`
      select string_agg(records, ' ') as all from audit_outbox`;
    for (
      const secret of [
        "password123",
        "another long passphrase",
        token,
        "a brand new passphrase",
        refreshToken,
        next.refreshToken,
        fresh.refreshToken,
        fresh.token,
      ]
    ) {
      assert.ok(!outbox!.all.includes(secret), "no password or token is recorded");
    }
  } finally {
    await t.close();
  }
});

/** A token's claims, unverified (the test made it). */
function claimsOf(token: string): { sid: string; uid: string } {
  return JSON.parse(atob(token.split(".")[1]!.replaceAll("-", "+").replaceAll("_", "/")));
}

Deno.test("the auth app lists revocations: ended sessions, revoked users, in order, paged", async () => {
  const t = await setup();
  try {
    const list = async (since: number | string) => {
      const res = await t.app.request(`/revocations?since=${since}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("Cache-Control"), "no-store");
      return await res.json() as RevocationPage;
    };
    assert.deepEqual(await list(0), { cursor: 0, more: false, revocations: [] });
    for (const bad of ["-1", "x", "1.5", "99999999999999999999"]) {
      const res = await t.app.request(`/revocations?since=${bad}`);
      assert.equal(res.status, 400, bad);
      assert.deepEqual(await res.json(), { since: "must be a whole number from 0" });
    }

    const before = Math.floor(Date.now() / 1000);
    // A logout: its session; a second logout records nothing more.
    const a = await login(t, "testuser@test.com", "password123");
    for (let i = 0; i < 2; i++) {
      assert.equal(
        (await t.app.request("/logout", bearer(a.token, { method: "POST" }))).status,
        204,
      );
    }
    const first = await list(0);
    assert.equal(first.revocations.length, 1);
    const [entry] = first.revocations;
    assert.deepEqual(entry, { sessionId: claimsOf(a.token).sid, expires: entry!.expires });
    assert.ok(entry!.expires >= before + 90 && entry!.expires <= Date.now() / 1000 + 92);
    assert.deepEqual(await list(first.cursor), {
      cursor: first.cursor,
      more: false,
      revocations: [],
    });

    // An own password change: the other sessions only, not the user.
    const admin = await login(t, "testuser@test.com", "password123");
    const other1 = await login(t, "testuser@test.com", "password123");
    const other2 = await login(t, "testuser@test.com", "password123");
    const changed = await t.app.request(
      "/me/password",
      bearer(
        admin.token,
        json({ currentPassword: "password123", newPassword: "a renewed secret 9 x" }),
      ),
    );
    assert.equal(changed.status, 204);
    const own = await list(first.cursor);
    assert.deepEqual(
      own.revocations.map((r) => "sessionId" in r ? r.sessionId : r).sort(),
      [claimsOf(other1.token).sid, claimsOf(other2.token).sid].sort(),
    );

    // A disable: the user's one live session, then the user (tokens issued before now).
    const clinician = await login(t, "clinician@test.com", "demo-password-2026");
    const { uid } = claimsOf(clinician.token);
    const disabled = await t.app.request(
      `/users/${uid}`,
      bearer(admin.token, { ...json({ disabled: true }), method: "PATCH" }),
    );
    assert.equal(disabled.status, 200);
    const page = await list(own.cursor);
    assert.equal(page.revocations.length, 2);
    assert.deepEqual(page.revocations[0], {
      sessionId: claimsOf(clinician.token).sid,
      expires: page.revocations[0]!.expires,
    });
    const user = page.revocations[1]!;
    assert.ok("userId" in user && user.userId === uid);
    assert.ok(user.issuedBefore >= before && user.issuedBefore <= Date.now() / 1000);

    // Pages of three: `more` until the last; a cursor from another database starts over.
    const all = await list(0);
    assert.equal(all.more, true);
    assert.equal(all.revocations.length, 3);
    const rest = await list(all.cursor);
    assert.equal(rest.more, false);
    assert.equal(rest.revocations.length, 2);
    assert.equal((await list(rest.cursor + 1000)).revocations.length, 3);
  } finally {
    await t.close();
  }
});
