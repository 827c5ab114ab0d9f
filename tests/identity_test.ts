/**
 * Identity through the gateway on the real system: the contract's role × endpoint matrix
 * (generated from one table), sessions (refresh rotation, reuse, logout, idle and absolute
 * expiry, concurrent refreshes), disabled users, the last-admin guard, the password policy and
 * unique emails.
 */
import assert from "node:assert/strict";
import type { Role } from "@pms/jwt";
import { eventually, type Harness, newPatient, startHarness } from "./_system.ts";

const ROLES: Role[] = ["ADMIN", "CLINICIAN", "FRONT_DESK", "BILLING", "AUDITOR"];
const DEMO: Record<Role, [string, string]> = {
  ADMIN: ["testuser@test.com", "password123"],
  CLINICIAN: ["clinician@test.com", "demo-password-2026"],
  FRONT_DESK: ["frontdesk@test.com", "demo-password-2026"],
  BILLING: ["billing@test.com", "demo-password-2026"],
  AUDITOR: ["auditor@test.com", "demo-password-2026"],
};
const JOHN = "123e4567-e89b-12d3-a456-426614174000";

interface Session {
  token: string;
  refreshToken: string;
  expiresIn: number;
}

async function login(h: Harness, email: string, password: string): Promise<Session> {
  const res = await h.call("/auth/login", { method: "POST", body: { email, password } });
  assert.equal(res.status, 200, `login ${email}: ${res.status}`);
  return await res.json();
}

function refresh(h: Harness, refreshToken: string) {
  return h.call("/auth/refresh", { method: "POST", body: { refreshToken } });
}

/** One row of the matrix: a call and the roles that may make it (the others get 403). */
interface Row {
  name: string;
  allowed: Role[];
  call(h: Harness, token: string, role: Role): Promise<Response>;
}

const READ: Role[] = ["ADMIN", "CLINICIAN", "FRONT_DESK", "BILLING"];
const WRITE: Role[] = ["ADMIN", "CLINICIAN", "FRONT_DESK"];
const EVERYONE: Role[] = ROLES;
/** The password the matrix's own-password row gives each demo user. */
const renewed = (role: Role) => `a renewed secret ${ROLES.indexOf(role)} x`;

Deno.test("identity: the role × endpoint matrix, sessions, users and passwords", async (t) => {
  const h = await startHarness({
    services: ["auth", "billing", "patient", "analytics", "notification", "audit", "gateway"],
  });
  try {
    let admin = await login(h, ...DEMO.ADMIN);
    // A patient with a billing account, and a user to administer, made by the admin.
    const created = await h.call("/api/patients", {
      method: "POST",
      token: admin.token,
      body: newPatient(),
    });
    assert.equal(created.status, 201);
    const patient = await created.json();
    await eventually("billing account", async () => {
      const res = await h.call(`/api/billing/accounts/${patient.id}`, { token: admin.token });
      return res.status === 200 ? await res.json() : (await res.body?.cancel(), undefined);
    });
    const target = await h.call("/auth/users", {
      method: "POST",
      token: admin.token,
      body: {
        email: "matrix.target@test.com",
        name: "Matrix Target",
        role: "CLINICIAN",
        password: "a long enough secret 1",
      },
    });
    assert.equal(target.status, 201);
    const targetId = (await target.json()).id;
    /** A fresh group made by the admin, for a row to read, change or delete. */
    const groupOfAdmin = async () => {
      const res = await h.call("/api/groups", {
        method: "POST",
        token: admin.token,
        body: { name: "Matrix group", kind: "FAMILY" },
      });
      assert.equal(res.status, 201);
      return (await res.json()).id as string;
    };

    const table: Row[] = [
      {
        name: "GET /api/patients",
        allowed: READ,
        call: (h, token) => h.call("/api/patients", { token }),
      },
      {
        name: "GET /api/patients/{id}",
        allowed: READ,
        call: (h, token) => h.call(`/api/patients/${JOHN}`, { token }),
      },
      {
        name: "POST /api/patients",
        allowed: WRITE,
        call: (h, token) => h.call("/api/patients", { method: "POST", token, body: newPatient() }),
      },
      {
        name: "PUT /api/patients/{id}",
        allowed: WRITE,
        call: (h, token, role) =>
          h.call(`/api/patients/${patient.id}`, {
            method: "PUT",
            token,
            body: { ...newPatient(), email: patient.email, name: `Renamed by ${role}` },
          }),
      },
      {
        name: "PATCH /api/patients/{id}",
        allowed: WRITE,
        call: (h, token, role) =>
          h.call(`/api/patients/${patient.id}`, {
            method: "PATCH",
            token,
            body: JSON.stringify({ address: `Patched by ${role}` }),
            headers: { "Content-Type": "application/merge-patch+json" },
          }),
      },
      {
        name: "GET /api/patients/{id}/history",
        allowed: ["ADMIN", "CLINICIAN"],
        call: (h, token) => h.call(`/api/patients/${patient.id}/history`, { token }),
      },
      {
        name: "GET /api/patients/deleted",
        allowed: ["ADMIN"],
        call: (h, token) => h.call("/api/patients/deleted", { token }),
      },
      {
        name: "POST /api/patients/{id}/restore",
        allowed: ["ADMIN"],
        call: async (h, token) => {
          const fresh = await h.call("/api/patients", {
            method: "POST",
            token: admin.token,
            body: newPatient(),
          });
          const { id } = await fresh.json();
          const gone = await h.call(`/api/patients/${id}`, {
            method: "DELETE",
            token: admin.token,
          });
          await gone.body?.cancel();
          return h.call(`/api/patients/${id}/restore`, { method: "POST", token });
        },
      },
      {
        name: "DELETE /api/patients/{id}",
        allowed: ["ADMIN"],
        call: async (h, token) => {
          const fresh = await h.call("/api/patients", {
            method: "POST",
            token: admin.token,
            body: newPatient(),
          });
          const { id } = await fresh.json();
          return h.call(`/api/patients/${id}`, { method: "DELETE", token });
        },
      },
      {
        name: "GET /api/patients/{id}/duplicates",
        allowed: READ,
        call: (h, token) => h.call(`/api/patients/${patient.id}/duplicates`, { token }),
      },
      {
        name: "GET /api/patients/{id}/groups",
        allowed: WRITE,
        call: (h, token) => h.call(`/api/patients/${patient.id}/groups`, { token }),
      },
      {
        name: "GET /api/groups",
        allowed: WRITE,
        call: (h, token) => h.call("/api/groups", { token }),
      },
      {
        name: "POST /api/groups",
        allowed: WRITE,
        call: (h, token, role) =>
          h.call("/api/groups", { method: "POST", token, body: { name: role, kind: "OTHER" } }),
      },
      {
        name: "GET, PATCH, DELETE /api/groups/{id}",
        allowed: WRITE,
        call: async (h, token, role) => {
          const id = await groupOfAdmin();
          const read = await h.call(`/api/groups/${id}`, { token });
          if (read.status !== 200) return read;
          await read.body?.cancel();
          const renamed = await h.call(`/api/groups/${id}`, {
            method: "PATCH",
            token,
            body: { name: `Renamed by ${role}` },
          });
          if (renamed.status !== 200) return renamed;
          await renamed.body?.cancel();
          return h.call(`/api/groups/${id}`, { method: "DELETE", token });
        },
      },
      {
        name: "POST, DELETE /api/groups/{id}/members",
        allowed: WRITE,
        call: async (h, token) => {
          const id = await groupOfAdmin();
          const added = await h.call(`/api/groups/${id}/members`, {
            method: "POST",
            token,
            body: { patientId: patient.id, relationship: "HEAD" },
          });
          if (added.status !== 201) return added;
          await added.body?.cancel();
          return h.call(`/api/groups/${id}/members/${patient.id}`, { method: "DELETE", token });
        },
      },
      {
        name: "GET /api/billing/accounts/{patientId}",
        allowed: ["ADMIN", "BILLING"],
        call: (h, token) => h.call(`/api/billing/accounts/${patient.id}`, { token }),
      },
      {
        name: "GET /api/notifications",
        allowed: ["ADMIN", "CLINICIAN"],
        call: (h, token) => h.call(`/api/notifications?patientId=${patient.id}`, { token }),
      },
      {
        name: "GET /api/analytics/summary",
        allowed: ["ADMIN"],
        call: (h, token) => h.call("/api/analytics/summary", { token }),
      },
      {
        name: "GET /api/audit",
        allowed: ["ADMIN", "AUDITOR"],
        call: (h, token) => h.call(`/api/audit?patientId=${patient.id}`, { token }),
      },
      {
        name: "GET /api/audit/patients/{id}/disclosures",
        allowed: ["ADMIN", "AUDITOR"],
        call: (h, token) => h.call(`/api/audit/patients/${patient.id}/disclosures`, { token }),
      },
      {
        name: "GET /api/audit/verify",
        allowed: ["ADMIN", "AUDITOR"],
        call: (h, token) => h.call("/api/audit/verify", { token }),
      },
      {
        name: "GET /auth/users",
        allowed: ["ADMIN"],
        call: (h, token) => h.call("/auth/users", { token }),
      },
      {
        name: "POST /auth/users",
        allowed: ["ADMIN"],
        call: (h, token, role) =>
          h.call("/auth/users", {
            method: "POST",
            token,
            body: {
              email: `made.by.${role.toLowerCase()}@test.com`,
              name: "Made",
              role: "AUDITOR",
              password: "a long enough secret 2",
            },
          }),
      },
      {
        name: "GET /auth/users/{id}",
        allowed: ["ADMIN"],
        call: (h, token) => h.call(`/auth/users/${targetId}`, { token }),
      },
      {
        name: "PATCH /auth/users/{id}",
        allowed: ["ADMIN"],
        call: (h, token, role) =>
          h.call(`/auth/users/${targetId}`, {
            method: "PATCH",
            token,
            body: { name: `Named by ${role}` },
          }),
      },
      {
        name: "PUT /auth/users/{id}/password",
        allowed: ["ADMIN"],
        call: (h, token) =>
          h.call(`/auth/users/${targetId}/password`, {
            method: "PUT",
            token,
            body: { password: "a long enough secret 3" },
          }),
      },
      {
        name: "GET /auth/me",
        allowed: EVERYONE,
        call: (h, token) => h.call("/auth/me", { token }),
      },
      {
        name: "GET /auth/validate",
        allowed: EVERYONE,
        call: (h, token) => h.call("/auth/validate", { token }),
      },
      {
        name: "POST /auth/me/password",
        allowed: EVERYONE,
        call: (h, token, role) =>
          h.call("/auth/me/password", {
            method: "POST",
            token,
            body: { currentPassword: DEMO[role][1], newPassword: renewed(role) },
          }),
      },
      {
        name: "POST /auth/logout",
        allowed: EVERYONE,
        call: (h, token) => h.call("/auth/logout", { method: "POST", token }),
      },
    ];

    await t.step(`the matrix: ${table.length} calls × ${ROLES.length} roles`, async () => {
      const sessions = Object.fromEntries(
        await Promise.all(ROLES.map(async (role) => [role, await login(h, ...DEMO[role])])),
      ) as Record<Role, Session>;
      const failures: string[] = [];
      for (const row of table) {
        for (const role of ROLES) {
          const res = await row.call(h, sessions[role].token, role);
          const body = await res.text();
          const ok = row.allowed.includes(role)
            ? res.status >= 200 && res.status < 300
            : res.status === 403 && JSON.parse(body).message === "Forbidden";
          if (!ok) failures.push(`${row.name} as ${role}: ${res.status} ${body.slice(0, 120)}`);
        }
      }
      assert.deepEqual(failures, []);
      // The matrix changed every demo password and logged every session out: carry on with the
      // new passwords and a fresh admin session.
      for (const role of ROLES) DEMO[role] = [DEMO[role][0], renewed(role)];
      admin = await login(h, ...DEMO.ADMIN);
    });

    await t.step(
      "the role is checked before the body's media type: 403 first, then 415",
      async () => {
        const text = { "Content-Type": "text/plain" };
        const as = async (role: Role) => (await login(h, ...DEMO[role])).token;
        const [auditor, frontDesk, billing] = await Promise.all(
          (["AUDITOR", "FRONT_DESK", "BILLING"] as const).map(as),
        );
        const patientId = crypto.randomUUID();
        const cases: [string, string, string | undefined, number][] = [
          ["POST", "/api/patients", auditor, 403],
          ["POST", "/api/patients", frontDesk, 415],
          ["PUT", `/api/patients/${patientId}`, billing, 403],
          ["POST", "/api/groups", billing, 403],
          ["POST", "/api/groups", frontDesk, 415],
          ["POST", "/fhir/R4/Patient", auditor, 403],
          ["POST", "/fhir/R4/Patient", frontDesk, 415],
          ["POST", `/api/billing/accounts/${patientId}/charges`, frontDesk, 403],
          ["POST", `/api/billing/accounts/${patientId}/charges`, billing, 415],
          ["POST", "/auth/users", frontDesk, 403],
          ["POST", "/auth/users", admin.token, 415],
          ["POST", "/auth/users", undefined, 401],
          ["POST", "/auth/me/password", undefined, 401],
          ["POST", "/auth/login", undefined, 415],
        ];
        const failures: string[] = [];
        for (const [method, path, token, status] of cases) {
          const res = await h.call(path, { method, token, headers: text, body: "name=x" });
          await res.body?.cancel();
          if (res.status !== status) {
            failures.push(`${method} ${path}: ${res.status}, not ${status}`);
          }
        }
        assert.deepEqual(failures, []);
      },
    );

    await t.step("login answers token, refreshToken and expiresIn; /me is the user", async () => {
      const s = await login(
        h,
        "CLINICIAN@TEST.COM",
        renewed("CLINICIAN"),
      );
      assert.equal(typeof s.token, "string");
      assert.equal(typeof s.refreshToken, "string");
      assert.equal(s.expiresIn, 900);
      const me = await (await h.call("/auth/me", { token: s.token })).json();
      assert.deepEqual(Object.keys(me).sort(), ["email", "id", "name", "role"]);
      assert.equal(me.role, "CLINICIAN");
      const claims = JSON.parse(
        atob(s.token.split(".")[1]!.replaceAll("-", "+").replaceAll("_", "/")),
      );
      for (const claim of ["sub", "uid", "role", "sid", "iss", "aud", "iat", "exp"]) {
        assert.ok(claim in claims, claim);
      }
    });

    await t.step("refresh rotates; a spent token revokes the whole session", async () => {
      const first = await login(h, ...DEMO.ADMIN);
      const r1 = await refresh(h, first.refreshToken);
      assert.equal(r1.status, 200);
      const second: Session = await r1.json();
      assert.notEqual(second.refreshToken, first.refreshToken);
      const reuse = await refresh(h, first.refreshToken);
      assert.equal(reuse.status, 401);
      assert.deepEqual(await reuse.json(), { message: "Invalid refresh token" });
      const newest = await refresh(h, second.refreshToken);
      assert.equal(newest.status, 401, "the newest token of a revoked session dies too");
      await newest.body?.cancel();
      const me = await h.call("/auth/me", { token: second.token });
      assert.equal(me.status, 401, "auth refuses the revoked session's access token");
      await me.body?.cancel();
    });

    await t.step("concurrent refreshes of one token: exactly one wins", async () => {
      const s = await login(h, ...DEMO.ADMIN);
      const statuses = await Promise.all(
        Array.from(
          { length: 10 },
          () => refresh(h, s.refreshToken).then(async (r) => (await r.body?.cancel(), r.status)),
        ),
      );
      assert.equal(statuses.filter((x) => x === 200).length, 1, String(statuses));
      assert.equal(statuses.filter((x) => x === 401).length, 9);
    });

    await t.step("logout ends the session; logging out again is still 204", async () => {
      const s = await login(h, ...DEMO.ADMIN);
      for (let i = 0; i < 2; i++) {
        const out = await h.call("/auth/logout", { method: "POST", token: s.token });
        assert.equal(out.status, 204);
      }
      for (const path of ["/auth/me", "/auth/validate"]) {
        const res = await h.call(path, { token: s.token });
        assert.equal(res.status, 401, path);
        await res.body?.cancel();
      }
      const again = await refresh(h, s.refreshToken);
      assert.equal(again.status, 401);
      await again.body?.cancel();
    });

    await t.step(
      "a refresh token is no access token, and an access token no refresh token",
      async () => {
        const s = await login(h, ...DEMO.ADMIN);
        const asAccess = await h.call("/api/patients", { token: s.refreshToken });
        assert.equal(asAccess.status, 401);
        await asAccess.body?.cancel();
        const asRefresh = await refresh(h, s.token);
        assert.equal(asRefresh.status, 401);
        await asRefresh.body?.cancel();
      },
    );

    await t.step("a disabled user cannot log in or refresh; enabling restores login", async () => {
      const made = await h.call("/auth/users", {
        method: "POST",
        token: admin.token,
        body: {
          email: "to.disable@test.com",
          name: "To Disable",
          role: "FRONT_DESK",
          password: "a long enough secret 4",
        },
      });
      const { id } = await made.json();
      const s = await login(h, "to.disable@test.com", "a long enough secret 4");
      const off = await h.call(`/auth/users/${id}`, {
        method: "PATCH",
        token: admin.token,
        body: { disabled: true },
      });
      assert.equal(off.status, 200);
      assert.equal((await off.json()).disabled, true);
      const r = await refresh(h, s.refreshToken);
      assert.equal(r.status, 401, "refresh fails at once");
      await r.body?.cancel();
      const again = await h.call("/auth/login", {
        method: "POST",
        body: { email: "to.disable@test.com", password: "a long enough secret 4" },
      });
      assert.equal(again.status, 401);
      assert.deepEqual(await again.json(), { message: "Invalid email or password" });
      const on = await h.call(`/auth/users/${id}`, {
        method: "PATCH",
        token: admin.token,
        body: { disabled: false },
      });
      assert.equal(on.status, 200);
      await on.body?.cancel();
      await login(h, "to.disable@test.com", "a long enough secret 4");
    });

    await t.step("the last enabled ADMIN can be neither disabled nor demoted", async () => {
      const me = await (await h.call("/auth/me", { token: admin.token })).json();
      for (const body of [{ disabled: true }, { role: "CLINICIAN" }]) {
        const res = await h.call(`/auth/users/${me.id}`, {
          method: "PATCH",
          token: admin.token,
          body,
        });
        assert.equal(res.status, 409, JSON.stringify(body));
        assert.equal(typeof (await res.json()).message, "string");
      }
    });

    await t.step(
      "password policy, duplicate and case-insensitive emails, unknown role",
      async () => {
        const make = (body: Record<string, unknown>) =>
          h.call("/auth/users", {
            method: "POST",
            token: admin.token,
            body: {
              email: "policy.person@test.com",
              name: "Policy Person",
              role: "CLINICIAN",
              ...body,
            },
          });
        const expectations: [Record<string, unknown>, number, Record<string, string>][] = [
          [{ password: "short" }, 400, { password: "Password must be at least 12 characters" }],
          [{ password: "é".repeat(40) }, 400, { password: "Password cannot exceed 72 bytes" }],
          [{ password: "my policy.person secret" }, 400, {
            password: "Password must not contain the email name",
          }],
          [{ password: "qwerty123456" }, 400, { password: "Password is too common" }],
          [{ password: "a long enough secret 5", role: "WIZARD" }, 400, {
            role: "Role must be one of ADMIN, CLINICIAN, FRONT_DESK, BILLING, AUDITOR",
          }],
          [{ password: "a long enough secret 5", email: "TestUser@Test.com" }, 409, {
            message: "Email address already exists",
          }],
        ];
        for (const [body, status, answer] of expectations) {
          const res = await make(body);
          assert.equal(res.status, status, JSON.stringify(body));
          assert.deepEqual(await res.json(), answer);
        }
        const key = { "Idempotency-Key": `user-${crypto.randomUUID()}` };
        const made = {
          email: "once.only@test.com",
          name: "Once Only",
          role: "AUDITOR",
          password: "a long enough secret 8",
        };
        const first = await h.call("/auth/users", {
          method: "POST",
          token: admin.token,
          body: made,
          headers: key,
        });
        assert.equal(first.status, 201);
        const again = await h.call("/auth/users", {
          method: "POST",
          token: admin.token,
          body: made,
          headers: key,
        });
        assert.equal(again.status, 201, "a retried create replays, not 409");
        assert.equal(again.headers.get("Idempotent-Replayed"), "true");
        assert.equal((await again.json()).id, (await first.json()).id);
        const wrong = await h.call("/auth/me/password", {
          method: "POST",
          token: admin.token,
          body: { currentPassword: "not it", newPassword: "a long enough secret 6" },
        });
        assert.equal(wrong.status, 400);
        assert.deepEqual(await wrong.json(), { currentPassword: "Current password is incorrect" });
        const missing = await h.call(`/auth/users/${crypto.randomUUID()}`, { token: admin.token });
        assert.equal(missing.status, 404);
        assert.deepEqual(await missing.json(), { message: "User not found" });
        const list = await h.call("/auth/users?role=CLINICIAN&size=2", { token: admin.token });
        assert.equal(list.status, 200);
        assert.ok(Number(list.headers.get("X-Total-Count")) >= 2);
        assert.match(list.headers.get("Link") ?? "", /role=CLINICIAN/);
        const users = await list.json();
        assert.ok(users.every((u: { role: string }) => u.role === "CLINICIAN"));
        assert.ok(users.every((u: Record<string, unknown>) => !("passwordHash" in u)));
        const unknownRole = await h.call("/auth/users?role=WIZARD", { token: admin.token });
        assert.equal(unknownRole.status, 400);
        assert.deepEqual(await unknownRole.json(), {
          role: "Role must be one of ADMIN, CLINICIAN, FRONT_DESK, BILLING, AUDITOR",
        });
        // 400 before 404: a weak password for an unknown user is the policy's answer.
        const resets: [string, number, Record<string, string>][] = [
          ["short", 400, { password: "Password must be at least 12 characters" }],
          ["a long enough secret 9", 404, { message: "User not found" }],
        ];
        for (const [password, status, answer] of resets) {
          const res = await h.call(`/auth/users/${crypto.randomUUID()}/password`, {
            method: "PUT",
            token: admin.token,
            body: { password },
          });
          assert.equal(res.status, status, password);
          assert.deepEqual(await res.json(), answer);
        }
      },
    );
  } finally {
    await h.system.stop();
  }
});

Deno.test("identity: refresh tokens die when idle and sessions at their absolute end", async () => {
  const h = await startHarness({
    services: ["auth", "gateway"],
    env: { auth: { REFRESH_IDLE_SECONDS: "2", REFRESH_ABSOLUTE_SECONDS: "5" } },
  });
  try {
    const idle = await login(h, "testuser@test.com", "password123");
    await new Promise((r) => setTimeout(r, 2_500));
    const late = await refresh(h, idle.refreshToken);
    assert.equal(late.status, 401, "idle");
    await late.body?.cancel();

    let s = await login(h, "testuser@test.com", "password123");
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 1_200));
      const res = await refresh(h, s.refreshToken);
      assert.equal(res.status, 200, `refresh ${i} within the idle window`);
      s = await res.json();
    }
    await new Promise((r) => setTimeout(r, 1_800));
    const ended = await refresh(h, s.refreshToken);
    assert.equal(ended.status, 401, "past the absolute end");
    await ended.body?.cancel();
  } finally {
    await h.system.stop();
  }
});
