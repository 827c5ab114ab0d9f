// deno-lint-ignore-file no-console
/**
 * Sessions end everywhere, on the real system: after a logout, a refresh token's reuse, an own
 * password change (the other sessions), a disable, a role change or an administrator's password
 * reset, the ended session's access token is refused with `401` within 5 s by the gateway and by
 * every service that verifies tokens (patient REST and FHIR, billing, analytics, notification,
 * audit), each called through the gateway and directly.
 */
import assert from "node:assert/strict";
import { eventually, type Harness, newPatient, startHarness } from "./_system.ts";

/** The contract's bound: every service refuses an ended session's tokens within this. */
const BOUND_MS = 5_000;
/** How long a probe is watched before the test gives up on it (beyond the bound, to measure). */
const WATCH_MS = 10_000;

interface Session {
  token: string;
  refreshToken: string;
}

/** One call a token is tried on: a name for the report and the request it makes. */
interface Probe {
  name: string;
  call(token: string): Promise<Response>;
}

function probesOf(h: Harness, patientId: string): Probe[] {
  const urls = h.system.urls;
  const direct = (service: string, path: string): Probe => ({
    name: `${service} ${path} (direct)`,
    call: (token) => fetch(`${urls[service]}${path}`, { headers: bearer(token) }),
  });
  const viaGateway = (path: string): Probe => ({
    name: `gateway ${path}`,
    call: (token) => h.call(path, { token }),
  });
  return [
    viaGateway("/api/patients"),
    viaGateway("/fhir/R4/Patient"),
    viaGateway(`/api/billing/accounts/${patientId}`),
    viaGateway("/api/analytics/summary"),
    viaGateway(`/api/notifications?patientId=${patientId}`),
    viaGateway("/api/audit"),
    direct("patient", "/patients"),
    direct("patient", "/fhir/R4/Patient"),
    direct("billing", `/billing/accounts/${patientId}`),
    direct("analytics", "/analytics/summary"),
    direct("notification", `/notifications?patientId=${patientId}`),
    direct("audit", "/audit"),
  ];
}

function bearer(token: string): HeadersInit {
  return { Authorization: `Bearer ${token}` };
}

async function login(h: Harness, email: string, password: string): Promise<Session> {
  const res = await h.call("/auth/login", { method: "POST", body: { email, password } });
  assert.equal(res.status, 200, `login ${email}: ${res.status}`);
  return await res.json();
}

/** Asserts that every probe serves `token` (200). */
async function assertServed(probes: Probe[], token: string): Promise<void> {
  for (const probe of probes) {
    const res = await probe.call(token);
    await res.body?.cancel();
    assert.equal(res.status, 200, `${probe.name} before the revocation: ${res.status}`);
  }
}

/**
 * Watches every probe from `since` (when the revoking call answered) until it answers `401`,
 * and returns how long each took; a probe still serving after {@linkcode WATCH_MS} is
 * `Infinity`. A refusal must stay a refusal: a later 200 fails the test.
 */
async function refusalTimes(
  probes: Probe[],
  token: string,
  since: number,
): Promise<Record<string, number>> {
  const times: Record<string, number> = {};
  await Promise.all(probes.map(async (probe) => {
    let refusedAt: number | undefined;
    while (performance.now() - since < WATCH_MS) {
      const res = await probe.call(token);
      const body = await res.text();
      if (res.status === 401) {
        refusedAt ??= performance.now() - since;
        if (probe.name.includes("fhir")) {
          assert.equal(JSON.parse(body).resourceType, "OperationOutcome", probe.name);
        } else {
          assert.equal(typeof JSON.parse(body).message, "string", probe.name);
        }
        // Watch a little longer: once refused, always refused.
        if (performance.now() - since > refusedAt + 300) break;
      } else {
        assert.equal(refusedAt, undefined, `${probe.name} served again after refusing`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    times[probe.name] = refusedAt ?? Infinity;
  }));
  return times;
}

/** Asserts that every probe refused `token` within the bound after `since`. */
async function assertRefusedEverywhere(probes: Probe[], token: string, since: number) {
  const times = await refusalTimes(probes, token, since);
  const late = Object.entries(times).filter(([, ms]) => ms > BOUND_MS);
  assert.deepEqual(
    late.map(([name, ms]) => `${name}: ${Number.isFinite(ms) ? `${Math.round(ms)} ms` : "never"}`)
      .sort(),
    [],
    "every service refuses the ended session's token within 5 s",
  );
  return Math.max(...Object.values(times));
}

Deno.test("sessions end everywhere: every service refuses an ended session's token within 5 s", async (t) => {
  const h = await startHarness({
    services: ["auth", "billing", "patient", "analytics", "notification", "audit", "gateway"],
  });
  try {
    const admin = await login(h, "testuser@test.com", "password123");
    const created = await h.call("/api/patients", {
      method: "POST",
      token: admin.token,
      body: newPatient(),
    });
    assert.equal(created.status, 201);
    const patient = await created.json();
    await eventually("billing account", async () => {
      const res = await h.call(`/api/billing/accounts/${patient.id}`, { token: admin.token });
      await res.body?.cancel();
      return res.status === 200 ? true : undefined;
    });
    const probes = probesOf(h, patient.id);

    /** A new ADMIN (who may call every probe) and a session of theirs. */
    let n = 0;
    const newAdmin = async () => {
      const email = `revoked.${++n}.${crypto.randomUUID().slice(0, 6)}@test.com`;
      const password = `a long enough secret ${n} z`;
      const res = await h.call("/auth/users", {
        method: "POST",
        token: admin.token,
        body: { email, name: `Revoked ${n}`, role: "ADMIN", password },
      });
      assert.equal(res.status, 201, `create ${email}`);
      const id: string = (await res.json()).id;
      return { id, email, password, session: await login(h, email, password) };
    };
    const report: Record<string, number> = {};

    /** Makes a user, checks their token is served, runs `revoke`, then watches every probe. */
    const scenario = (
      name: string,
      revoke: (user: Awaited<ReturnType<typeof newAdmin>>) => Promise<Response>,
    ) =>
      t.step(name, async () => {
        const user = await newAdmin();
        await assertServed(probes, user.session.token);
        const res = await revoke(user);
        const since = performance.now();
        assert.ok(res.status < 300, `${name}: ${res.status} ${await res.text()}`);
        report[name] = await assertRefusedEverywhere(probes, user.session.token, since);
      });

    await scenario(
      "logout",
      (user) => h.call("/auth/logout", { method: "POST", token: user.session.token }),
    );

    await scenario("disable", (user) =>
      h.call(`/auth/users/${user.id}`, {
        method: "PATCH",
        token: admin.token,
        body: { disabled: true },
      }));

    await scenario("role change", (user) =>
      h.call(`/auth/users/${user.id}`, {
        method: "PATCH",
        token: admin.token,
        body: { role: "CLINICIAN" },
      }));

    await scenario(
      "password reset by an admin",
      (user) =>
        h.call(`/auth/users/${user.id}/password`, {
          method: "PUT",
          token: admin.token,
          body: { password: "another long secret 42" },
        }),
    );

    await scenario("refresh token reuse", async (user) => {
      const first = await h.call("/auth/refresh", {
        method: "POST",
        body: { refreshToken: user.session.refreshToken },
      });
      assert.equal(first.status, 200);
      await first.body?.cancel();
      // The spent token again: the whole session is revoked.
      const reuse = await h.call("/auth/refresh", {
        method: "POST",
        body: { refreshToken: user.session.refreshToken },
      });
      assert.equal(reuse.status, 401);
      await reuse.body?.cancel();
      return new Response(null, { status: 204 });
    });

    await t.step(
      "own password change: the other sessions end, the changing one goes on",
      async () => {
        const user = await newAdmin();
        const other = await login(h, user.email, user.password);
        await assertServed(probes, other.token);
        const res = await h.call("/auth/me/password", {
          method: "POST",
          token: user.session.token,
          body: { currentPassword: user.password, newPassword: "a brand new secret 77" },
        });
        const since = performance.now();
        assert.equal(res.status, 204);
        report["own password change"] = await assertRefusedEverywhere(probes, other.token, since);
        await assertServed(probes, user.session.token);
      },
    );

    await t.step(
      "a service restarted after a logout refuses the token from its first answer",
      async () => {
        const user = await newAdmin();
        await assertServed(probes, user.session.token);
        await h.system.stopService("patient");
        const out = await h.call("/auth/logout", { method: "POST", token: user.session.token });
        assert.equal(out.status, 204);
        await h.system.startService("patient");
        for (const probe of probes.filter((p) => p.name.startsWith("patient "))) {
          const res = await probe.call(user.session.token);
          await res.body?.cancel();
          assert.equal(res.status, 401, probe.name);
        }
        // Another session of the same user is served by the restarted service as before.
        await assertServed(probes, (await login(h, user.email, user.password)).token);
      },
    );

    await t.step("a new login after a role change is served at once", async () => {
      const user = await newAdmin();
      const res = await h.call(`/auth/users/${user.id}`, {
        method: "PATCH",
        token: admin.token,
        body: { role: "CLINICIAN" },
      });
      assert.equal(res.status, 200);
      await res.body?.cancel();
      const again = await login(h, user.email, user.password);
      // CLINICIAN may read patients and notifications: the new session's token is served by
      // every service, also once each has heard of the revocation of the older tokens.
      const clinicianProbes = probes.filter((p) => /patients|Patient|notifications/.test(p.name));
      assert.equal(clinicianProbes.length, 6);
      await assertServed(clinicianProbes, again.token);
      await new Promise((r) => setTimeout(r, 2_000));
      await assertServed(clinicianProbes, again.token);
    });

    // The slowest refusal of each scenario, for whoever reads the test's output.
    console.log(JSON.stringify({ slowestRefusalMs: report }));
  } finally {
    await h.system.stop();
  }
});
