import type { OpenAPIHono } from "@hono/zod-openapi";
import { auditChange, auditCommitted, auditNote } from "@pms/audit";
import { type AppEnv, defineRoute, jsonError, jwtAuth, resourceApp } from "@pms/http";
import * as doc from "@pms/http/openapi";
import type { VerifyToken } from "@pms/service";
import type { UserStore } from "../store/user_store.ts";
import type { LoginThrottle } from "../domain/login_throttle.ts";
import { hashPassword, verifyPassword } from "../domain/password.ts";
import { passwordProblem } from "../domain/password_policy.ts";
import { ChangePasswordRequest, MeResponse } from "../domain/auth_schema.ts";
import { ACCOUNT_THROTTLED, admitTry, currentUser, ownChange } from "./_util.ts";

/** What the own-account routes need. */
export interface MeDeps {
  users: UserStore;
  throttle: LoginThrottle;
  bcryptCost: number;
  trustProxy: boolean;
  /** Verification that also refuses tokens of ended sessions. */
  verifyLive: VerifyToken;
}

/**
 * `GET /me` (not audited: the caller's own account), `POST /me/password` (audited as
 * `auth.password.change`: a success's record commits with the change; a refusal's names why).
 */
export function meRoutes(deps: MeDeps): OpenAPIHono<AppEnv> {
  const app = resourceApp();
  // `/me` accepts an enrolment-only token (claim `mfa_enroll`); `/me/password` does not. No
  // `/me/*` guard here: `/me/mfa/**` has its own (routes/mfa.ts).
  app.use("/me", jwtAuth({ verify: deps.verifyLive, allowMfaEnrollment: true }));
  app.use("/me/password", jwtAuth({ verify: deps.verifyLive }));

  app.openapi(
    defineRoute({
      method: "get",
      path: "/me",
      audit: false,
      unaudited: "the caller's own account, which the token already names",
      summary: "The logged-in user",
      roles: "any",
      responses: {
        200: doc.answer("You", MeResponse),
      },
    }),
    async (c) => {
      const { id, email, name, role } = await currentUser(deps.users, c.get("user").uid);
      return c.json({ id, email, name, role }, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/me/password",
      audit: "auth.password.change",
      summary: "Change your password (your other sessions end)",
      // After the token check (jwtAuth on /me/*): 401 → 415 → 400.
      ...ownChange(
        ChangePasswordRequest,
        { 204: { description: "Changed" } },
        "Wrong current password, or the new one breaks the policy",
      ),
      errors: { 429: "Too many wrong current passwords; see Retry-After" },
    }),
    async (c) => {
      const { uid, sid } = c.get("user");
      const user = await currentUser(deps.users, uid);
      const { currentPassword, newPassword } = c.req.valid("json");
      const { key, client } = admitTry(c, deps, user.email, ACCOUNT_THROTTLED);
      if (!(await verifyPassword(currentPassword, user.passwordHash, deps.bcryptCost))) {
        deps.throttle.fail(key, client);
        auditNote(c, { details: { reason: "wrong-current-password" } });
        throw jsonError(400, { currentPassword: "Current password is incorrect" });
      }
      const problem = passwordProblem(newPassword, user.email);
      if (problem) {
        auditNote(c, { details: { reason: "password-policy" } });
        throw jsonError(400, { newPassword: problem });
      }
      const changed = await deps.users.setPassword(
        uid,
        await hashPassword(newPassword, deps.bcryptCost),
        { keepSession: sid, audit: auditChange(c) },
      );
      if (changed) auditCommitted(c);
      c.get("logger").info("password changed; other sessions ended", { userId: uid });
      return c.body(null, 204);
    },
  );
  return app;
}
