import type { OpenAPIHono } from "@hono/zod-openapi";
import { auditChange, auditCommitted, auditNote } from "@pms/audit";
import { type AppEnv, defineRoute, jsonError, jwtAuth, resourceApp } from "@pms/http";
import * as doc from "@pms/http/openapi";
import type { VerifyToken } from "@pms/service";
import type { UserStore } from "../store/user_store.ts";
import type { MfaStore } from "../store/mfa_store.ts";
import type { LoginThrottle } from "../domain/login_throttle.ts";
import type { SecretCipher } from "../domain/secret_cipher.ts";
import { verifyPassword } from "../domain/password.ts";
import { matchTotp, TOTP_DIGITS, TOTP_PERIOD } from "../domain/totp.ts";
import { encodeBase32 } from "../domain/_base32.ts";
import { hashRecoveryCode, newRecoveryCodes } from "../domain/recovery_codes.ts";
import {
  DisableMfaRequest,
  MfaEnrolResponse,
  MfaVerifyRequest,
  RecoveryCodesResponse,
} from "../domain/auth_schema.ts";
import { ACCOUNT_THROTTLED, admitTry, currentUser, ownChange } from "./_util.ts";

/** The issuer authenticator apps show beside the account. */
const OTP_ISSUER = "Patient Management";

/** What the own-account MFA routes need. */
export interface MfaDeps {
  users: UserStore;
  mfa: MfaStore;
  cipher: SecretCipher;
  throttle: LoginThrottle;
  bcryptCost: number;
  trustProxy: boolean;
  /** Verification that also refuses tokens of ended sessions. */
  verifyLive: VerifyToken;
}

/**
 * `POST /me/mfa/totp`, `POST /me/mfa/totp/verify`, `DELETE /me/mfa`: TOTP enrolment and its end,
 * for the caller's own account (enrolment-only tokens accepted). Audited as `auth.mfa.enroll`,
 * `auth.mfa.verify`, `auth.mfa.disable`; no record holds a secret or a code.
 */
export function mfaRoutes(deps: MfaDeps): OpenAPIHono<AppEnv> {
  const app = resourceApp();
  const guard = jwtAuth({ verify: deps.verifyLive, allowMfaEnrollment: true });
  app.use("/me/mfa", guard);
  app.use("/me/mfa/*", guard);

  app.openapi(
    defineRoute({
      method: "post",
      path: "/me/mfa/totp",
      audit: "auth.mfa.enroll",
      summary: "Start TOTP enrolment: a new secret, active once a code from it is verified",
      description: "Starting again replaces a secret not yet verified.",
      roles: "any",
      responses: { 200: doc.answer("The secret, for an authenticator app", MfaEnrolResponse) },
      errors: { 409: "MFA is already enabled" },
    }),
    async (c) => {
      const user = await currentUser(deps.users, c.get("user").uid);
      if (user.mfaEnabled) throw jsonError(409, "MFA is already enabled");
      // 160 bits, the HMAC-SHA-1 block RFC 4226 recommends.
      const secret = crypto.getRandomValues(new Uint8Array(20));
      const started = await deps.mfa.begin(
        user.id,
        await deps.cipher.encrypt(secret, user.id),
        auditChange(c),
      );
      if (!started) throw jsonError(409, "MFA is already enabled");
      auditCommitted(c);
      const base32 = encodeBase32(secret);
      const label = encodeURIComponent(`${OTP_ISSUER}:${user.email}`);
      const query = new URLSearchParams({
        secret: base32,
        issuer: OTP_ISSUER,
        algorithm: "SHA1",
        digits: String(TOTP_DIGITS),
        period: String(TOTP_PERIOD),
      });
      c.get("logger").info("MFA enrolment started", { userId: user.id });
      return c.json({ secret: base32, otpauthUri: `otpauth://totp/${label}?${query}` }, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/me/mfa/totp/verify",
      audit: "auth.mfa.verify",
      summary: "Activate MFA with a code from the new secret; answers the recovery codes, once",
      ...ownChange(
        MfaVerifyRequest,
        { 200: doc.answer("Active; keep these codes", RecoveryCodesResponse) },
        "`code`: Invalid code",
      ),
      errors: { 409: "MFA is already enabled, or no enrolment was started" },
    }),
    async (c) => {
      const user = await currentUser(deps.users, c.get("user").uid);
      const { code } = c.req.valid("json");
      if (user.mfaEnabled) throw jsonError(409, "MFA is already enabled");
      const stored = await deps.mfa.totp(user.id);
      if (!stored) throw jsonError(409, "No MFA enrolment was started");
      if (await matchTotp(await deps.cipher.decrypt(stored.secret, user.id), code) === undefined) {
        auditNote(c, { details: { reason: "wrong-code" } });
        throw jsonError(400, { code: "Invalid code" });
      }
      const codes = newRecoveryCodes();
      const hashes = await Promise.all(codes.map((one) => hashRecoveryCode(user.id, one)));
      const outcome = await deps.mfa.activate(user.id, hashes, auditChange(c));
      if (outcome === "enabled") throw jsonError(409, "MFA is already enabled");
      if (outcome === "none") throw jsonError(409, "No MFA enrolment was started");
      auditCommitted(c);
      c.get("logger").info("MFA enabled", { userId: user.id });
      return c.json({ recoveryCodes: codes }, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "delete",
      path: "/me/mfa",
      audit: "auth.mfa.disable",
      summary: "Turn MFA off with your password and a current code",
      ...ownChange(
        DisableMfaRequest,
        { 204: { description: "MFA off; the secret and recovery codes are deleted" } },
        "A missing field",
      ),
      errors: {
        401: "Invalid code: a wrong password or code (one answer for both), or MFA not enabled",
        429: "Too many failed attempts; see Retry-After",
      },
    }),
    async (c) => {
      const user = await currentUser(deps.users, c.get("user").uid);
      const { password, code } = c.req.valid("json");
      const { key, client } = admitTry(c, deps, user.email, ACCOUNT_THROTTLED);
      const stored = await deps.mfa.totp(user.id);
      // Every refusal is the same 401 and a failed try; the audit record says which it was.
      const refuse = (reason: string) => {
        deps.throttle.fail(key, client);
        auditNote(c, { details: { reason } });
        return jsonError(401, "Invalid code");
      };
      // MFA off: no code can be right.
      if (!user.mfaEnabled || !stored?.enabled) throw refuse("not-enabled");
      const passwordOk = await verifyPassword(password, user.passwordHash, deps.bcryptCost);
      const step = await matchTotp(await deps.cipher.decrypt(stored.secret, user.id), code);
      const done = passwordOk && step !== undefined &&
        await deps.mfa.disable(user.id, step, auditChange(c));
      if (!done) {
        throw refuse(!passwordOk ? "wrong-password" : step === undefined ? "wrong-code" : "replay");
      }
      auditCommitted(c);
      c.get("logger").info("MFA disabled", { userId: user.id });
      return c.body(null, 204);
    },
  );
  return app;
}
