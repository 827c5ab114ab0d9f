import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { type AuditRecord, auditTrail, createAuditRecorder } from "@pms/audit";
import { createIdempotencyStore } from "@pms/http";
import { createTokenVerifier, type Role } from "@pms/jwt";
import { openTestDatabase, silentLogger, testServiceApp } from "@pms/testing";
import { mountAuthRoutes } from "./app.ts";
import { createLoginThrottle } from "./domain/login_throttle.ts";
import { loadSigningKey } from "./domain/signing_key.ts";
import { createTokenIssuer } from "./domain/token_issuer.ts";
import { parseMfaKeyring } from "./domain/mfa_keyring.ts";
import { createSecretCipher } from "./domain/secret_cipher.ts";
import { seedDemoUsers } from "./seed.ts";
import { createUserStore } from "./store/user_store.ts";
import { createSessionStore } from "./store/session_store.ts";
import { createRevocationStore } from "./store/revocation_store.ts";
import { createMfaStore } from "./store/mfa_store.ts";

// TOTP computed here independently of the service's code (node:crypto's HMAC, RFC 4648 base32
// decoded by hand), so a shared mistake cannot pass.
function base32Decode(text: string): Uint8Array {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bits = [...text.toUpperCase()].map((c) => alphabet.indexOf(c).toString(2).padStart(5, "0"))
    .join("");
  const bytes = bits.match(/.{8}/g) ?? [];
  return Uint8Array.from(bytes.map((b) => parseInt(b, 2)));
}

function totp(secret: string, stepOffset = 0): string {
  const counter = Math.floor(Date.now() / 30_000) + stepOffset;
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac("sha1", base32Decode(secret)).update(message).digest();
  const offset = mac[19]! & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

/**
 * A code the server must refuse: from `stepOffset` steps away, and none of the codes of the
 * window around now (six digits collide now and then, which made a "wrong" code right).
 */
function wrongCode(secret: string, stepOffset: number): string {
  const near = new Set([-2, -1, 0, 1, 2].map((offset) => totp(secret, offset)));
  for (let step = stepOffset;; step++) {
    const code = totp(secret, step);
    if (!near.has(code)) return code;
  }
}

/** A code valid now that is not `used` (the other side of the window). */
function otherCode(secret: string, ...used: string[]): string {
  for (const offset of [1, -1, 0]) {
    const code = totp(secret, offset);
    if (!used.includes(code)) return code;
  }
  throw new Error("no unused code");
}

const KEYRING = `k1:${btoa("0123456789abcdef0123456789abcdef")}`;
const CLINICIAN = { email: "clinician@test.com", password: "demo-password-2026" };
const ADMIN = { email: "testuser@test.com", password: "password123" };

async function setup(mfaRequiredRoles: Role[] = []) {
  const testDb = await openTestDatabase("auth", new URL("./migrations", import.meta.url));
  const { db } = testDb;
  const users = createUserStore(db.sql);
  await seedDemoUsers(users, 10, silentLogger());
  const key = await loadSigningKey({ appEnv: "test" });
  const verify = createTokenVerifier({
    jwks: { keys: [key.publicJwk] },
    issuer: "i",
    audience: "a",
  });
  const cipher = await createSecretCipher(parseMfaKeyring(KEYRING));
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
      revocations: createRevocationStore(db.sql, { liveSeconds: 90 }),
      maxBodyBytes: 1024,
      mfa: createMfaStore(db.sql),
      cipher,
      mfaRequiredRoles,
    }), {
    health: () => db.ping(),
    middleware: [auditTrail({ service: "auth", recorder: createAuditRecorder(db.sql) })],
  });
  const call = (
    method: string,
    path: string,
    options: { token?: string; body?: unknown; client?: string } = {},
  ) =>
    app.request(path, {
      method,
      headers: {
        ...(options.body !== undefined && { "Content-Type": "application/json" }),
        ...(options.token && { Authorization: `Bearer ${options.token}` }),
        "X-Forwarded-For": options.client ?? "10.0.0.1",
      },
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    });
  return {
    app,
    db,
    verify,
    call,
    /** A password login's JSON. */
    async login(who: { email: string; password: string }, client?: string) {
      const res = await call("POST", "/login", { body: who, client });
      assert.equal(res.status, 200);
      return await res.json();
    },
    /** Enrols and verifies MFA for a fresh session of `who`; the secret and recovery codes. */
    async enable(who: { email: string; password: string }) {
      const { token } = await this.login(who);
      const enrolled = await call("POST", "/me/mfa/totp", { token });
      assert.equal(enrolled.status, 200);
      const { secret } = await enrolled.json();
      const code = totp(secret);
      const verified = await call("POST", "/me/mfa/totp/verify", { token, body: { code } });
      assert.equal(verified.status, 200);
      const { recoveryCodes } = await verified.json();
      return { secret, recoveryCodes: recoveryCodes as string[], usedCode: code, token };
    },
    async actions(): Promise<AuditRecord[]> {
      const rows = await db.sql<
        { records: string }[]
      >`select records from audit_outbox order by id`;
      return rows.flatMap((row) =>
        row.records.split("\n").filter(Boolean).map((line) => JSON.parse(line.split("\t")[1]!))
      );
    },
    close: () => testDb[Symbol.asyncDispose](),
  };
}

Deno.test("MFA enrolment gives a base32 secret, verification activates it with 10 recovery codes", async () => {
  const t = await setup();
  try {
    const { token } = await t.login(CLINICIAN);
    const enrolled = await t.call("POST", "/me/mfa/totp", { token });
    assert.equal(enrolled.status, 200);
    const { secret, otpauthUri } = await enrolled.json();
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.match(otpauthUri, /^otpauth:\/\/totp\/.+\?/);
    const uri = new URL(otpauthUri);
    assert.equal(uri.searchParams.get("secret"), secret);
    assert.equal(uri.searchParams.get("digits"), "6");
    assert.equal(uri.searchParams.get("period"), "30");
    assert.equal(uri.searchParams.get("algorithm"), "SHA1");
    // Not active yet: login still gives a token.
    assert.ok((await t.login(CLINICIAN)).token);
    const admin = await t.login(ADMIN);
    const shown = async () =>
      (await (await t.call("GET", "/users?search=clinician", { token: admin.token })).json())[0];
    assert.equal((await shown()).mfaEnabled, false);

    const wrong = await t.call("POST", "/me/mfa/totp/verify", {
      token,
      body: { code: wrongCode(secret, 5) },
    });
    assert.equal(wrong.status, 400);
    assert.deepEqual(await wrong.json(), { code: "Invalid code" });
    const missing = await t.call("POST", "/me/mfa/totp/verify", { token, body: {} });
    assert.equal(missing.status, 400);
    assert.ok((await missing.json()).code);

    const ok = await t.call("POST", "/me/mfa/totp/verify", { token, body: { code: totp(secret) } });
    assert.equal(ok.status, 200);
    const { recoveryCodes } = await ok.json();
    assert.equal(recoveryCodes.length, 10);
    assert.equal(new Set(recoveryCodes).size, 10);
    assert.equal((await shown()).mfaEnabled, true);

    const again = await t.call("POST", "/me/mfa/totp", { token });
    assert.equal(again.status, 409);
    assert.deepEqual(await again.json(), { message: "MFA is already enabled" });
    const reverify = await t.call("POST", "/me/mfa/totp/verify", {
      token,
      body: { code: totp(secret) },
    });
    assert.equal(reverify.status, 409);
    await reverify.body?.cancel();

    // At rest: the secret encrypted under the first key's kid, the recovery codes hashed.
    const [row] = await t.db.sql<{ secret: string }[]>`select secret from mfa_totp`;
    assert.match(row!.secret, /^k1:/);
    assert.ok(!row!.secret.includes(secret));
    const hashes = await t.db.sql<{ code_hash: Uint8Array }[]>`
      select code_hash from mfa_recovery_codes`;
    assert.equal(hashes.length, 10);
    const stored = hashes.map((h) => new TextDecoder().decode(h.code_hash));
    for (const code of recoveryCodes) assert.ok(!stored.some((s) => s.includes(code)));

    const actions = (await t.actions()).map((r) => `${r.action}:${r.outcome}`);
    assert.ok(actions.includes("auth.mfa.enroll:SUCCESS"));
    assert.ok(actions.includes("auth.mfa.verify:SUCCESS"));
    assert.ok(actions.includes("auth.mfa.verify:FAILED"));
  } finally {
    await t.close();
  }
});

Deno.test("MFA login takes two steps; a code is accepted once and the mfaToken once", async () => {
  const t = await setup();
  try {
    const { secret, usedCode } = await t.enable(CLINICIAN);
    const first = await t.login(CLINICIAN);
    assert.deepEqual(Object.keys(first).sort(), ["expiresIn", "mfaRequired", "mfaToken"]);
    assert.equal(first.mfaRequired, true);
    assert.equal(first.expiresIn, 300);

    // The mfaToken is no bearer token.
    const asBearer = await t.call("GET", "/me", { token: first.mfaToken });
    assert.equal(asBearer.status, 401);
    await asBearer.body?.cancel();

    // The enrolment's code is not spent: the login right after may type the one on the screen.
    const code = usedCode;
    assert.equal(code, totp(secret), "still the current code");
    const res = await t.call("POST", "/login/mfa", { body: { mfaToken: first.mfaToken, code } });
    assert.equal(res.status, 200);
    const tokens = await res.json();
    assert.deepEqual(Object.keys(tokens).sort(), ["expiresIn", "refreshToken", "token"]);
    const claims = await t.verify(tokens.token);
    assert.deepEqual(claims.amr, ["pwd", "otp"]);
    assert.equal(claims.mfa_enroll, undefined);
    assert.equal((await t.call("GET", "/me", { token: tokens.token })).status, 200);

    // The mfaToken is spent; the same code with a new one is a replay.
    const spent = await t.call("POST", "/login/mfa", { body: { mfaToken: first.mfaToken, code } });
    assert.equal(spent.status, 401);
    await spent.body?.cancel();
    const second = await t.login(CLINICIAN);
    const replayed = await t.call("POST", "/login/mfa", {
      body: { mfaToken: second.mfaToken, code },
    });
    assert.equal(replayed.status, 401);
    assert.deepEqual(await replayed.json(), { message: "Invalid code" });
    // The same token takes another code of the window (a wrong code does not kill it at once).
    const other = await t.call("POST", "/login/mfa", {
      body: { mfaToken: second.mfaToken, code: otherCode(secret, code) },
    });
    assert.equal(other.status, 200);
    await other.body?.cancel();

    // A refresh keeps the session's amr.
    const refreshed = await t.call("POST", "/refresh", {
      body: { refreshToken: tokens.refreshToken },
    });
    assert.equal(refreshed.status, 200);
    assert.deepEqual((await t.verify((await refreshed.json()).token)).amr, ["pwd", "otp"]);
    // A password-only login's tokens say so.
    const admin = await t.login(ADMIN);
    assert.deepEqual((await t.verify(admin.token)).amr, ["pwd"]);

    const actions = (await t.actions()).map((r) => `${r.action}:${r.outcome}`);
    assert.ok(actions.includes("auth.mfa.login:SUCCESS"));
    assert.ok(actions.includes("auth.mfa.login:DENIED"));
  } finally {
    await t.close();
  }
});

Deno.test("MFA recovery codes log in once each; bodies without one factor are 400", async () => {
  const t = await setup();
  try {
    const { recoveryCodes } = await t.enable(CLINICIAN);
    const first = await t.login(CLINICIAN);
    for (
      const body of [
        { mfaToken: first.mfaToken },
        { mfaToken: first.mfaToken, code: "123456", recoveryCode: recoveryCodes[0] },
        { code: "123456" },
        { mfaToken: first.mfaToken, code: 123456 },
      ]
    ) {
      const res = await t.call("POST", "/login/mfa", { body });
      assert.equal(res.status, 400, JSON.stringify(body));
      await res.body?.cancel();
    }
    const ok = await t.call("POST", "/login/mfa", {
      body: { mfaToken: first.mfaToken, recoveryCode: recoveryCodes[0]!.toUpperCase() },
    });
    assert.equal(ok.status, 200);
    assert.deepEqual((await t.verify((await ok.json()).token)).amr, ["pwd", "otp"]);
    const second = await t.login(CLINICIAN);
    const reused = await t.call("POST", "/login/mfa", {
      body: { mfaToken: second.mfaToken, recoveryCode: recoveryCodes[0] },
    });
    assert.equal(reused.status, 401);
    assert.deepEqual(await reused.json(), { message: "Invalid code" });
    const next = await t.call("POST", "/login/mfa", {
      body: { mfaToken: second.mfaToken, recoveryCode: recoveryCodes[1] },
    });
    assert.equal(next.status, 200);
    await next.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("an mfaToken dies after 5 wrong codes, and wrong codes count in the login throttle", async () => {
  const t = await setup();
  try {
    const { secret, usedCode } = await t.enable(CLINICIAN);
    const good = () => otherCode(secret, usedCode);
    const { mfaToken } = await t.login(CLINICIAN);
    for (let i = 0; i < 5; i++) {
      const res = await t.call("POST", "/login/mfa", {
        body: { mfaToken, code: wrongCode(secret, 10 + i) },
      });
      assert.equal(res.status, 401);
      assert.deepEqual(await res.json(), { message: "Invalid code" });
    }
    const dead = await t.call("POST", "/login/mfa", { body: { mfaToken, code: good() } });
    assert.equal(dead.status, 401, "the right code no longer helps");
    await dead.body?.cancel();
    // The five wrong codes throttle this client's logins for the account.
    const throttled = await t.call("POST", "/login", { body: CLINICIAN });
    assert.equal(throttled.status, 429);
    assert.ok(Number(throttled.headers.get("Retry-After")) > 0);
    await throttled.body?.cancel();

    // Another client: three wrong passwords, a right one, two wrong codes → the code step is 429.
    const client = "10.0.0.2";
    for (let i = 0; i < 3; i++) {
      const res = await t.call("POST", "/login", {
        body: { ...CLINICIAN, password: "wrong password!" },
        client,
      });
      assert.equal(res.status, 401);
      await res.body?.cancel();
    }
    const second = await t.login(CLINICIAN, client);
    for (let i = 0; i < 2; i++) {
      const res = await t.call("POST", "/login/mfa", {
        body: { mfaToken: second.mfaToken, code: wrongCode(secret, 20 + i) },
        client,
      });
      assert.equal(res.status, 401);
      await res.body?.cancel();
    }
    const limited = await t.call("POST", "/login/mfa", {
      body: { mfaToken: second.mfaToken, code: good() },
      client,
    });
    assert.equal(limited.status, 429);
    await limited.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("with MFA_REQUIRED_ROLES a user without MFA gets tokens only enrolment accepts", async () => {
  const t = await setup(["ADMIN"]);
  try {
    const { token, refreshToken } = await t.login(ADMIN);
    const claims = await t.verify(token);
    assert.equal(claims.mfa_enroll, true);
    assert.deepEqual(claims.amr, ["pwd"]);
    for (const [method, path] of [["GET", "/users"], ["GET", "/validate"]] as const) {
      const res = await t.call(method, path, { token });
      assert.equal(res.status, 403, path);
      assert.deepEqual(await res.json(), { message: "MFA enrollment required" });
    }
    const password = await t.call("POST", "/me/password", {
      token,
      body: { currentPassword: ADMIN.password, newPassword: "a much longer password 2026" },
    });
    assert.equal(password.status, 403);
    await password.body?.cancel();
    assert.equal((await t.call("GET", "/me", { token })).status, 200);
    // A role that does not require MFA is not held back.
    assert.equal((await t.verify((await t.login(CLINICIAN)).token)).mfa_enroll, undefined);

    const enrolled = await t.call("POST", "/me/mfa/totp", { token });
    assert.equal(enrolled.status, 200);
    const { secret } = await enrolled.json();
    const verified = await t.call("POST", "/me/mfa/totp/verify", {
      token,
      body: { code: totp(secret) },
    });
    assert.equal(verified.status, 200);
    await verified.body?.cancel();
    // Enrolled: the session's next token is a full one.
    const refreshed = await t.call("POST", "/refresh", { body: { refreshToken } });
    const next = (await refreshed.json()).token;
    assert.equal((await t.verify(next)).mfa_enroll, undefined);
    assert.equal((await t.call("GET", "/users", { token: next })).status, 200);
    const logout = await t.call("POST", "/logout", { token });
    assert.equal(logout.status, 204);
  } finally {
    await t.close();
  }
});

Deno.test("an administrator's MFA reset turns MFA off and revokes the user's sessions", async () => {
  const t = await setup();
  try {
    const { secret, usedCode } = await t.enable(CLINICIAN);
    const { mfaToken } = await t.login(CLINICIAN);
    const res = await t.call("POST", "/login/mfa", {
      body: { mfaToken, code: otherCode(secret, usedCode) },
    });
    const { token, refreshToken } = await res.json();
    const user = await (await t.call("GET", "/me", { token })).json();

    const forbidden = await t.call("DELETE", `/users/${user.id}/mfa`, { token });
    assert.equal(forbidden.status, 403);
    await forbidden.body?.cancel();
    const admin = await t.login(ADMIN);
    const unknown = await t.call("DELETE", `/users/${crypto.randomUUID()}/mfa`, {
      token: admin.token,
    });
    assert.equal(unknown.status, 404);
    await unknown.body?.cancel();
    const reset = await t.call("DELETE", `/users/${user.id}/mfa`, { token: admin.token });
    assert.equal(reset.status, 204);

    const after = await t.call("GET", "/me", { token });
    assert.equal(after.status, 401, "the session ended");
    await after.body?.cancel();
    const refresh = await t.call("POST", "/refresh", { body: { refreshToken } });
    assert.equal(refresh.status, 401);
    await refresh.body?.cancel();
    const [revoked] = await t.db.sql<{ n: number }[]>`
      select count(*)::int as n from revocations where user_id = ${user.id}`;
    assert.equal(revoked!.n, 1, "every service hears of it");
    const shown = await (await t.call("GET", `/users/${user.id}`, { token: admin.token })).json();
    assert.equal(shown.mfaEnabled, false);
    assert.ok((await t.login(CLINICIAN)).token, "the password alone logs in again");
    const actions = (await t.actions()).map((r) => `${r.action}:${r.outcome}`);
    assert.ok(actions.includes("auth.mfa.reset:SUCCESS"));
    assert.ok(actions.includes("auth.mfa.reset:DENIED"));
  } finally {
    await t.close();
  }
});

Deno.test("DELETE /me/mfa needs the password and a code; one 401 for either wrong, or with MFA off", async () => {
  const t = await setup();
  try {
    const { secret, usedCode, token } = await t.enable(CLINICIAN);
    for (const body of [{}, { password: CLINICIAN.password }, { code: "123456" }]) {
      const res = await t.call("DELETE", "/me/mfa", { token, body });
      assert.equal(res.status, 400, JSON.stringify(body));
      await res.body?.cancel();
    }
    const code = otherCode(secret, usedCode);
    for (
      const body of [
        { password: "not the password", code },
        { password: CLINICIAN.password, code: wrongCode(secret, 7) },
      ]
    ) {
      const res = await t.call("DELETE", "/me/mfa", { token, body });
      assert.equal(res.status, 401);
      assert.deepEqual(await res.json(), { message: "Invalid code" });
    }
    const ok = await t.call("DELETE", "/me/mfa", {
      token,
      body: { password: CLINICIAN.password, code },
    });
    assert.equal(ok.status, 204);
    assert.ok((await t.login(CLINICIAN)).token, "no second step any more");
    const again = await t.call("DELETE", "/me/mfa", {
      token,
      body: { password: CLINICIAN.password, code: totp(secret) },
    });
    assert.equal(again.status, 401, "MFA is off: no code can be right");
    assert.deepEqual(await again.json(), { message: "Invalid code" });
    const [left] = await t.db.sql<{ n: number }[]>`
      select (select count(*) from mfa_totp) + (select count(*) from mfa_recovery_codes) as n`;
    assert.equal(Number(left!.n), 0);
    const actions = (await t.actions()).map((r) => r.action);
    assert.ok(actions.includes("auth.mfa.disable"));
  } finally {
    await t.close();
  }
});
