/**
 * MFA on the real system (auth, patient, gateway as processes): with `MFA_REQUIRED_ROLES`, a user
 * of such a role who has not enrolled gets tokens the gateway and the services refuse with `403`
 * everywhere but auth's own-account MFA calls; after enrolment the two-step login's tokens work;
 * an administrator's MFA reset ends the user's sessions at every service.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { DEMO_USERS, eventually, startHarness } from "./_system.ts";

// TOTP computed here on node:crypto, independently of auth's own code.
function totp(secret: string, stepOffset = 0): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bits = [...secret].map((c) => alphabet.indexOf(c).toString(2).padStart(5, "0")).join("");
  const key = Uint8Array.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000) + stepOffset));
  const mac = createHmac("sha1", key).update(message).digest();
  const offset = mac[19]! & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

/** The claims of a compact JWT (its signature is the services' business). */
function claimsOf(token: string): Record<string, unknown> {
  const part = token.split(".")[1]!.replaceAll("-", "+").replaceAll("_", "/");
  return JSON.parse(atob(part));
}

Deno.test("mfa: an unenrolled user of a required role is held to enrolment, everywhere", async () => {
  const h = await startHarness({ env: { auth: { MFA_REQUIRED_ROLES: "FRONT_DESK" } } });
  try {
    const [email, password] = DEMO_USERS.FRONT_DESK;
    const login = async () => {
      const res = await h.call("/auth/login", { method: "POST", body: { email, password } });
      assert.equal(res.status, 200);
      return await res.json();
    };
    const { token } = await login();
    assert.equal(claimsOf(token).mfa_enroll, true);
    assert.deepEqual(claimsOf(token).amr, ["pwd"]);
    const refused = [
      () => h.call("/api/patients", { token }),
      () => h.call("/auth/validate", { token }),
      () =>
        fetch(`${h.system.urls.patient}/patients`, {
          headers: { Authorization: `Bearer ${token}` },
        }),
    ];
    for (const call of refused) {
      const res = await call();
      assert.equal(res.status, 403);
      assert.deepEqual(await res.json(), { message: "MFA enrollment required" });
    }
    const fhir = await h.call("/fhir/R4/Patient", { token });
    assert.equal(fhir.status, 403);
    assert.equal((await fhir.json()).resourceType, "OperationOutcome");
    const me = await h.call("/auth/me", { token });
    assert.equal(me.status, 200);
    const { id } = await me.json();

    const enrolled = await h.call("/auth/me/mfa/totp", { method: "POST", token });
    assert.equal(enrolled.status, 200);
    const { secret } = await enrolled.json();
    const verified = await h.call("/auth/me/mfa/totp/verify", {
      method: "POST",
      token,
      body: { code: totp(secret) },
    });
    assert.equal(verified.status, 200);
    assert.equal((await verified.json()).recoveryCodes.length, 10);

    const challenge = await login();
    assert.equal(challenge.mfaRequired, true);
    assert.equal(challenge.token, undefined);
    const second = await h.call("/auth/login/mfa", {
      method: "POST",
      body: { mfaToken: challenge.mfaToken, code: totp(secret) },
    });
    assert.equal(second.status, 200);
    const full = (await second.json()).token;
    assert.deepEqual(claimsOf(full).amr, ["pwd", "otp"]);
    assert.equal(claimsOf(full).mfa_enroll, undefined);
    const patients = await h.call("/api/patients", { token: full });
    assert.equal(patients.status, 200);
    await patients.body?.cancel();

    // An administrator's reset: the sessions end at the services too (the revocation feed).
    const admin = await h.login();
    const reset = await h.call(`/auth/users/${id}/mfa`, { method: "DELETE", token: admin });
    assert.equal(reset.status, 204);
    await eventually("the reset session's token refused by the patient service", async () => {
      const res = await h.call("/api/patients", { token: full });
      await res.body?.cancel();
      return res.status === 401 ? true : undefined;
    }, 5_000);
    // Back to enrolment-only tokens.
    const again = await login();
    assert.equal(claimsOf(again.token).mfa_enroll, true);
  } finally {
    await h.system.stop();
  }
});
