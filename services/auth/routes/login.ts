import { OpenAPIHono, z } from "@hono/zod-openapi";
import { auditChange, auditCommitted, auditNote } from "@pms/audit";
import { type AppEnv, defineRoute, jsonError, jwtAuth, resourceApp } from "@pms/http";
import * as doc from "@pms/http/openapi";
import type { Role } from "@pms/jwt";
import type { Logger } from "@pms/log";
import type { VerifyToken } from "@pms/service";
import type { User, UserStore } from "../store/user_store.ts";
import type { MfaStore } from "../store/mfa_store.ts";
import type { SecretCipher } from "../domain/secret_cipher.ts";
import { matchTotp } from "../domain/totp.ts";
import { hashRecoveryCode } from "../domain/recovery_codes.ts";
import type { SessionStore } from "../store/session_store.ts";
import type { LoginThrottle } from "../domain/login_throttle.ts";
import { verifyPassword } from "../domain/password.ts";
import type { TokenGrant, TokenSubject } from "../domain/token_issuer.ts";
import {
  LoginRequest,
  MfaChallengeResponse,
  MfaLoginRequest,
  RefreshRequest,
  TokenResponse,
} from "../domain/auth_schema.ts";
import { admitTry } from "./_util.ts";

/** Seconds a login's second-step token lives. */
const MFA_TOKEN_SECONDS = 300;

/** The answer of a throttled login step. */
const LOGIN_THROTTLED = {
  message: "Too many failed login attempts; try again later",
  warn: "login throttled",
};

const unavailable = {
  503: {
    description: "The database is unavailable; see Retry-After",
    content: doc.jsonContent(doc.Message),
  },
};

/** What the session routes need. */
export interface LoginDeps {
  users: UserStore;
  sessions: SessionStore;
  throttle: LoginThrottle;
  issueToken: (user: TokenSubject, sessionId: string, grant?: TokenGrant) => Promise<string>;
  mfa: MfaStore;
  cipher: SecretCipher;
  /** Roles that must use MFA: their users' tokens only allow enrolment until they do. */
  mfaRequiredRoles: readonly Role[];
  /** Access-token lifetime, answered as `expiresIn`. */
  ttlSeconds: number;
  bcryptCost: number;
  /** Take the client address from the last `X-Forwarded-For` hop (the gateway adds it). */
  trustProxy: boolean;
  /** Signature-only verification (logout must accept a logged-out session's token). */
  verify: VerifyToken;
}

/**
 * `POST /login`, `POST /login/mfa`, `POST /refresh`, `POST /logout`. Audited as `auth.login`,
 * `auth.mfa.login`, `auth.refresh` (or `auth.refresh.reuse`) and `auth.logout`: a success's
 * record commits with the session change,
 * a refusal's is written by the audit trail before the answer leaves. A failed login's record
 * names the email tried and why, never the password; no record holds a token.
 */
export function loginRoutes(deps: LoginDeps): OpenAPIHono<AppEnv> {
  const app = resourceApp();
  const tokens = async (
    user: TokenSubject & { mfaEnabled: boolean },
    sessionId: string,
    refreshToken: string,
    amr: string[],
  ) => ({
    token: await deps.issueToken(user, sessionId, {
      amr,
      enrollmentOnly: deps.mfaRequiredRoles.includes(user.role) && !user.mfaEnabled,
    }),
    refreshToken,
    expiresIn: deps.ttlSeconds,
  });
  /** Whether `code` (a TOTP code) or `recoveryCode` is right for the user, spending it if so. */
  const secondFactor = async (
    user: User,
    body: { code?: string | undefined; recoveryCode?: string | undefined },
  ): Promise<boolean> => {
    if (body.recoveryCode !== undefined) {
      return deps.mfa.useRecoveryCode(user.id, await hashRecoveryCode(user.id, body.recoveryCode));
    }
    const stored = await deps.mfa.totp(user.id);
    if (!stored?.enabled || body.code === undefined) return false;
    const step = await matchTotp(await deps.cipher.decrypt(stored.secret, user.id), body.code);
    return step !== undefined && await deps.mfa.useStep(user.id, step);
  };
  /** Counts a failed login step; many for one account from many addresses are a security event. */
  const failTry = (logger: Logger, key: string, client: string) => {
    if (deps.throttle.fail(key, client).ceilingReached) {
      // The email is staff data, not patient data; the client address is the last one that tried.
      logger.warn("security: login failure ceiling reached for an account", {
        event: "login.ceiling",
        email: key,
        client,
      });
    }
  };

  app.openapi(
    defineRoute({
      method: "post",
      path: "/login",
      audit: "auth.login",
      summary: "Exchange email and password for an access token and a refresh token",
      description: "A user with MFA gets no token here: `mfaRequired`, and an `mfaToken` that " +
        "`POST /login/mfa` spends with a code.",
      request: { body: doc.jsonBody(LoginRequest) },
      responses: {
        200: doc.answer(
          "Logged in (a new session), or, with MFA, the second step to take",
          z.union([TokenResponse, MfaChallengeResponse]),
        ),
        400: doc.invalidFields("Malformed body: a message, or the invalid fields with theirs"),
        ...unavailable,
      },
      errors: {
        401: "Unknown email, wrong password or disabled user (one answer for all)",
        429: "Too many failed attempts from this client; see Retry-After",
      },
    }),
    async (c) => {
      const { email, password } = c.req.valid("json");
      const logger = c.get("logger");
      const { key, client } = admitTry(c, deps, email, {
        ...LOGIN_THROTTLED,
        note: { actor: null, details: { email: email.toLowerCase(), reason: "throttled" } },
      });
      const user = await deps.users.findByEmail(key);
      const valid = await verifyPassword(password, user?.passwordHash, deps.bcryptCost);
      if (!valid || !user || user.disabled) {
        const reason = !user ? "unknown-email" : !valid ? "wrong-password" : "disabled";
        auditNote(c, { actor: null, details: { email: key, reason } });
        logger.info("login failed", { reason: !valid || !user ? "credentials" : "disabled" });
        failTry(logger, key, client);
        throw jsonError(401, "Invalid email or password");
      }
      if (user.mfaEnabled) {
        // The password was right, but the failures of this email and client are forgotten only
        // when the code is: a caller who knows the password cannot reset the count of wrong codes.
        const mfaToken = await deps.mfa.createChallenge(user.id, MFA_TOKEN_SECONDS);
        auditNote(c, {
          actor: { userId: user.id, email: user.email, role: user.role },
          details: { email: key, mfaRequired: true },
        });
        logger.info("password accepted; a second factor is required", { userId: user.id });
        return c.json({ mfaRequired: true, mfaToken, expiresIn: MFA_TOKEN_SECONDS }, 200);
      }
      deps.throttle.succeed(key, client);
      const session = await deps.sessions.create(
        user.id,
        auditChange(c, { actor: { userId: user.id, email: user.email, role: user.role } }),
      );
      auditCommitted(c);
      logger.info("logged in", { userId: user.id, sessionId: session.sessionId });
      return c.json(await tokens(user, session.sessionId, session.refreshToken, ["pwd"]), 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/login/mfa",
      audit: "auth.mfa.login",
      summary: "The second step of an MFA login: the mfaToken and a TOTP or recovery code",
      description: "Each code is accepted once; each recovery code once ever. Wrong codes count " +
        "in the login throttle; 5 of them kill the mfaToken.",
      request: { body: doc.jsonBody(MfaLoginRequest) },
      responses: {
        200: doc.answer("Logged in; a new session (`amr` pwd, otp)", TokenResponse),
        400: doc.invalidFields("Malformed body, or not exactly one of code and recoveryCode"),
        ...unavailable,
      },
      errors: {
        401: "Invalid code: a wrong, replayed or used code, or an unknown, spent or dead mfaToken",
        429: "Too many failed attempts from this client; see Retry-After",
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const logger = c.get("logger");
      const challenge = await deps.mfa.challenge(body.mfaToken);
      const user = challenge && await deps.users.findById(challenge.userId);
      if (!challenge || !user || user.disabled) {
        auditNote(c, { actor: null, details: { reason: "invalid-mfa-token" } });
        throw jsonError(401, "Invalid code");
      }
      const actor = { userId: user.id, email: user.email, role: user.role };
      const { key, client } = admitTry(c, deps, user.email, {
        ...LOGIN_THROTTLED,
        note: { actor, details: { reason: "throttled" } },
      });
      const kind = body.recoveryCode !== undefined ? "recovery-code" : "totp";
      if (!(await secondFactor(user, body))) {
        await deps.mfa.failChallenge(challenge.hash);
        failTry(logger, key, client);
        auditNote(c, { actor, details: { reason: "wrong-code", factor: kind } });
        throw jsonError(401, "Invalid code");
      }
      if (!(await deps.mfa.spendChallenge(challenge.hash))) {
        auditNote(c, { actor, details: { reason: "invalid-mfa-token" } });
        throw jsonError(401, "Invalid code");
      }
      deps.throttle.succeed(key, client);
      const amr = ["pwd", "otp"];
      const session = await deps.sessions.create(
        user.id,
        auditChange(c, { actor, details: { factor: kind } }),
        amr,
      );
      auditCommitted(c);
      logger.info("logged in with a second factor", {
        userId: user.id,
        sessionId: session.sessionId,
      });
      return c.json(await tokens(user, session.sessionId, session.refreshToken, amr), 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/refresh",
      audit: "auth.refresh",
      summary: "Spend a refresh token for a new access token and the session's next refresh token",
      request: { body: doc.jsonBody(RefreshRequest) },
      responses: {
        200: doc.answer("The same session, new tokens", TokenResponse),
        400: doc.invalidFields("Malformed body"),
        ...unavailable,
      },
      errors: {
        401: "Unknown, spent (the session is then revoked), expired or of a disabled user",
      },
    }),
    async (c) => {
      const result = await deps.sessions.rotate(
        c.req.valid("json").refreshToken,
        (user) =>
          auditChange(c, {
            actor: { userId: user.id, email: user.email, role: user.role },
          }),
      );
      const logger = c.get("logger");
      if (result.outcome === "reused") {
        logger.warn("security: a spent refresh token was used again; its session is revoked", {
          event: "auth.refresh.reuse",
          sessionId: result.sessionId,
          userId: result.userId,
        });
        // Whoever sent it is not known to be the user: no actor; the session and its user named.
        auditNote(c, {
          action: "auth.refresh.reuse",
          actor: null,
          details: { reason: "reused", sessionId: result.sessionId, userId: result.userId },
        });
      } else if (result.outcome === "invalid") {
        auditNote(c, { actor: null, details: { reason: result.reason } });
      }
      if (result.outcome !== "rotated") throw jsonError(401, "Invalid refresh token");
      auditCommitted(c);
      return c.json(
        await tokens(result.user, result.sessionId, result.refreshToken, result.amr),
        200,
      );
    },
  );

  app.use("/logout", jwtAuth({ verify: deps.verify, allowMfaEnrollment: true }));
  app.openapi(
    defineRoute({
      method: "post",
      path: "/logout",
      audit: "auth.logout",
      summary: "End the token's session (also when it has ended already)",
      roles: "any",
      responses: { 204: { description: "Logged out" } },
    }),
    async (c) => {
      const { sid, uid } = c.get("user");
      await deps.sessions.revoke(sid, "logout", auditChange(c));
      auditCommitted(c);
      c.get("logger").info("logged out", { userId: uid, sessionId: sid });
      return c.body(null, 204);
    },
  );
  return app;
}
