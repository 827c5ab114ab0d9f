import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { auditChange, auditCommitted, auditNote } from "@pms/audit";
import {
  type AppEnv,
  defineRoute,
  enforceQueryBounds,
  idempotency,
  type IdempotencyStore,
  jsonError,
  jwtAuth,
  linkHeader,
  resourceApp,
  validationHook,
} from "@pms/http";
import * as doc from "@pms/http/openapi";
import { isUuid } from "@pms/ids";
import type { VerifyToken } from "@pms/service";
import { type User, type UserStore } from "../store/user_store.ts";
import type { MfaStore } from "../store/mfa_store.ts";
import { hashPassword } from "../domain/password.ts";
import { passwordProblem } from "../domain/password_policy.ts";
import {
  CreateUserRequest,
  PatchUserRequest,
  ResetPasswordRequest,
  UserIdParam,
  userListQuery,
  UserResponse,
} from "../domain/auth_schema.ts";

// The users API is ADMIN's alone (the contract's role matrix); a body's media type is checked
// after the token and the role (401 → 403 → 415 → 400: `defineRoute`).
const forbidden = { 403: "Not an ADMIN" };
const notFound = { 404: "User not found" };
const PAGE_SIZE_MAX = 100;
const PAGE_SIZE_DEFAULT = 50;
const SEARCH_PARAMETERS = ["page", "size", "search", "role"] as const;

// Audit notes made before the role check, so that a refusal's record says what was asked for.

/** `user.search`: the query parameters as sent. */
const noteSearch: MiddlewareHandler<AppEnv> = async (c, next) => {
  const query = c.req.query();
  const details = Object.fromEntries(
    SEARCH_PARAMETERS.filter((name) => query[name] !== undefined).map((name) => [
      name,
      query[name],
    ]),
  );
  auditNote(c, { details });
  await next();
};

/** The user a `/users/{id}` call is about (a malformed id is not repeated). */
const noteTarget: MiddlewareHandler<AppEnv> = async (c, next) => {
  const id = c.req.param("id");
  if (isUuid(id)) auditNote(c, { details: { userId: id } });
  await next();
};

/** A replayed create names the user the first call made (its `Location`). */
const noteReplay: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (c.res.headers.get("Idempotent-Replayed") !== "true") return;
  const userId = c.res.headers.get("Location")?.split("/").pop();
  auditNote(c, { details: { ...(userId && { userId }), replayed: true } });
};

/** A user as the API shows it: never the password hash. */
function publicUser(user: User): z.infer<typeof UserResponse> {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    disabled: user.disabled,
    createdAt: user.createdAt.toISOString(),
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
    mfaEnabled: user.mfaEnabled,
  };
}

/** What the users API needs. */
export interface UsersDeps {
  users: UserStore;
  /** Idempotency-Key storage for `POST /users`. */
  keys: IdempotencyStore;
  bcryptCost: number;
  /** Verification that also refuses tokens of ended sessions. */
  verifyLive: VerifyToken;
  mfa: MfaStore;
}

/**
 * The list's validation hook: an unknown `role` is `400 {"role": …}`, as in a user's body (the
 * contract's "Unknown role → `400 {"role":…}`"); any other bad value as the default hook answers.
 */
function listHook(result: Parameters<typeof validationHook>[0], c: Context): undefined {
  // The shared query bounds come first, as in every other list.
  if (result.target === "query") enforceQueryBounds(c.req.queries());
  const bad = result.error?.issues.find((issue) => issue.path[0] === "role");
  if (!result.success && result.target === "query" && bad) {
    throw jsonError(400, { role: bad.message });
  }
  validationHook(result, c);
}

/**
 * `/users`: list, create, read, patch, reset password, reset MFA; ADMIN only. Audited as
 * `user.search`, `user.create`, `user.read`, `user.update`, `user.password.reset`,
 * `auth.mfa.reset`, with the target user's id
 * in `details.userId`; a change's record commits in the change's transaction.
 */
export function userRoutes(deps: UsersDeps): OpenAPIHono<AppEnv> {
  const app = resourceApp();
  const idempotent = idempotency({ store: deps.keys });
  // `/users/*` matches `/users` too: the token is checked once per request.
  app.use("/users/*", jwtAuth({ verify: deps.verifyLive }));

  app.openapi(
    defineRoute({
      method: "get",
      path: "/users",
      audit: "user.search",
      summary: "Staff accounts, by email (paged; X-Total-Count, Link)",
      roles: ["ADMIN"],
      notes: [noteSearch],
      request: { query: userListQuery(PAGE_SIZE_MAX) },
      responses: {
        ...doc.pagedList(UserResponse, "A page of users"),
        400: doc.answer(
          "A bad paging or search value (`message`), an unknown role (`role`)",
          z.union([doc.Message, doc.FieldErrors]),
        ),
      },
      errors: forbidden,
    }),
    async (c) => {
      const query = c.req.valid("query");
      const { page, size } = doc.pageOf(query, PAGE_SIZE_DEFAULT);
      const { users, total } = await deps.users.list({
        page,
        size,
        search: query.search,
        role: query.role,
      });
      c.header("X-Total-Count", String(total));
      const prefix = c.req.header("X-Forwarded-Prefix") === "/auth" ? "/auth" : "";
      c.header(
        "Link",
        linkHeader({
          path: `${prefix}/users`,
          page,
          size,
          total,
          search: query.search,
          filters: { role: query.role },
        }),
      );
      return c.json(users.map(publicUser), 200);
    },
    listHook,
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/users",
      audit: "user.create",
      summary: "Create a staff account (Idempotency-Key honoured)",
      roles: ["ADMIN"],
      middleware: [noteReplay],
      idempotency: idempotent,
      request: { body: doc.jsonBody(CreateUserRequest) },
      responses: {
        201: doc.answer("Created; Location names it", UserResponse),
        400: doc.invalidFields("Invalid fields"),
        409: { description: "Email address already exists", content: doc.jsonContent(doc.Message) },
      },
      errors: forbidden,
    }),
    async (c) => {
      const body = c.req.valid("json");
      auditNote(c, { details: { email: body.email, role: body.role } });
      const problem = passwordProblem(body.password, body.email);
      if (problem) throw jsonError(400, { password: problem });
      const user = await deps.users.create(
        {
          email: body.email,
          name: body.name,
          role: body.role,
          passwordHash: await hashPassword(body.password, deps.bcryptCost),
        },
        (created) =>
          auditChange(c, {
            details: { userId: created.id, email: created.email, role: created.role },
          }),
      );
      auditCommitted(c);
      c.get("logger").info("user created", { userId: user.id, role: user.role });
      c.header("Location", `/users/${user.id}`);
      return c.json(publicUser(user), 201);
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/users/{id}",
      audit: "user.read",
      summary: "One staff account",
      roles: ["ADMIN"],
      notes: [noteTarget],
      request: { params: UserIdParam },
      responses: {
        200: doc.answer("The user", UserResponse),
        400: { description: "Malformed id", content: doc.jsonContent(doc.Message) },
      },
      errors: { ...forbidden, ...notFound },
    }),
    async (c) => {
      const user = await deps.users.findById(c.req.valid("param").id);
      if (!user) throw jsonError(404, "User not found");
      return c.json(publicUser(user), 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "patch",
      path: "/users/{id}",
      audit: "user.update",
      summary: "Rename, change the role of, disable or enable a staff account",
      description: "A role change or disabling ends all of the user's sessions.",
      roles: ["ADMIN"],
      notes: [noteTarget],
      request: {
        params: UserIdParam,
        body: doc.jsonBody(PatchUserRequest),
      },
      responses: {
        200: doc.answer("The user", UserResponse),
        400: doc.invalidFields("Invalid fields or id"),
      },
      errors: {
        409: "The last enabled ADMIN cannot be disabled or demoted",
        ...forbidden,
        ...notFound,
      },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      const patch = c.req.valid("json");
      auditNote(c, { details: { userId: id, fields: Object.keys(patch) } });
      const user = await deps.users.update(
        id,
        patch,
        (fields) => auditChange(c, { details: { userId: id, fields } }),
      );
      if (!user) throw jsonError(404, "User not found");
      auditCommitted(c);
      c.get("logger").info("user changed", { userId: id });
      return c.json(publicUser(user), 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "put",
      path: "/users/{id}/password",
      audit: "user.password.reset",
      summary: "Set a staff account's password (all its sessions end)",
      roles: ["ADMIN"],
      notes: [noteTarget],
      request: {
        params: UserIdParam,
        body: doc.jsonBody(ResetPasswordRequest),
      },
      responses: {
        204: { description: "Set" },
        400: doc.invalidFields("The password breaks the policy"),
      },
      errors: { ...forbidden, ...notFound },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      const { password } = c.req.valid("json");
      const user = await deps.users.findById(id);
      // 400 before 404 (the contract's order): for an unknown id, the rules that need no email.
      const problem = passwordProblem(password, user?.email ?? "");
      if (problem) throw jsonError(400, { password: problem });
      if (!user) throw jsonError(404, "User not found");
      const set = await deps.users.setPassword(id, await hashPassword(password, deps.bcryptCost), {
        audit: auditChange(c, { details: { userId: id } }),
      });
      if (!set) throw jsonError(404, "User not found");
      auditCommitted(c);
      c.get("logger").info("password reset by an administrator", { userId: id });
      return c.body(null, 204);
    },
  );

  app.openapi(
    defineRoute({
      method: "delete",
      path: "/users/{id}/mfa",
      audit: "auth.mfa.reset",
      summary: "Turn a staff account's MFA off (a lost authenticator); all its sessions end",
      description: "The user logs in with the password alone and may enrol again.",
      roles: ["ADMIN"],
      notes: [noteTarget],
      request: { params: UserIdParam },
      responses: {
        204: { description: "Reset; the user's sessions are revoked" },
        400: { description: "Malformed id", content: doc.jsonContent(doc.Message) },
      },
      errors: { ...forbidden, ...notFound },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      const reset = await deps.mfa.reset(id, auditChange(c, { details: { userId: id } }));
      if (!reset) throw jsonError(404, "User not found");
      auditCommitted(c);
      c.get("logger").info("MFA reset by an administrator; sessions revoked", { userId: id });
      return c.body(null, 204);
    },
  );
  return app;
}
