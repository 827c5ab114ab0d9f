import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { getConnInfo } from "hono/deno";
import { type AppEnv, jsonError, validationHook } from "@pms/http";
import { bodyResponses, FieldErrors, jsonContent, Message } from "@pms/http/openapi";
import type { UserStore } from "../store/user_store.ts";
import type { LoginThrottle } from "../domain/login_throttle.ts";
import { verifyPassword } from "../domain/password.ts";

const LoginRequest = z.strictObject({
  email: z.string({ error: "Email is required" }).trim().min(1, "Email is required")
    .max(254, "Email should be valid").email("Email should be valid"),
  password: z.string({ error: "Password is required" }).min(1, "Password is required")
    .max(256, "Password is too long"),
}).openapi("LoginRequest", {
  example: { email: "testuser@test.com", password: "password123" },
});

const login = createRoute({
  method: "post",
  path: "/login",
  summary: "Exchange email and password for an access token",
  request: {
    body: { required: true, content: { "application/json": { schema: LoginRequest } } },
  },
  responses: {
    200: {
      description: "Logged in",
      content: { "application/json": { schema: z.object({ token: z.string() }) } },
    },
    400: {
      description: "Malformed body: a message, or the invalid fields with theirs",
      content: jsonContent(FieldErrors),
    },
    401: {
      description: "Unknown email or wrong password (one answer for both)",
      content: jsonContent(Message),
    },
    ...bodyResponses,
    429: {
      description: "Too many failed attempts; see Retry-After",
      content: jsonContent(Message),
    },
    503: {
      description: "The database is unavailable; see Retry-After",
      content: jsonContent(Message),
    },
  },
});

/** What the login route needs. */
export interface LoginDeps {
  users: UserStore;
  throttle: LoginThrottle;
  issueToken: (user: { email: string; role: string }) => Promise<string>;
  bcryptCost: number;
  /** Take the client address from the last `X-Forwarded-For` hop (the gateway adds it). */
  trustProxy: boolean;
}

function clientAddress(
  c: Parameters<Parameters<OpenAPIHono<AppEnv>["openapi"]>[1]>[0],
  trustProxy: boolean,
): string {
  if (trustProxy) {
    const hops = (c.req.header("X-Forwarded-For") ?? "").split(",").map((h) => h.trim()).filter(
      Boolean,
    );
    const last = hops.at(-1);
    if (last) return last;
  }
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** `POST /login`. */
export function loginRoutes(deps: LoginDeps): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(login, async (c) => {
    const { email, password } = c.req.valid("json");
    const key = email.toLowerCase();
    const client = clientAddress(c, deps.trustProxy);
    const wait = deps.throttle.retryAfter(key, client);
    if (wait > 0) {
      c.get("logger").warn("login throttled");
      throw jsonError(429, "Too many failed login attempts; try again later", {
        "Retry-After": String(wait),
      });
    }
    const user = await deps.users.findByEmail(key);
    if (!(await verifyPassword(password, user?.passwordHash, deps.bcryptCost)) || !user) {
      const { ceilingReached } = deps.throttle.fail(key, client);
      c.get("logger").info("login failed");
      if (ceilingReached) {
        // A security event: many failures for one account from many addresses. The email is
        // staff data, not patient data; the client address is the last one that tried.
        c.get("logger").warn("security: login failure ceiling reached for an account", {
          event: "login.ceiling",
          email: key,
          client,
        });
      }
      throw jsonError(401, "Invalid email or password");
    }
    deps.throttle.succeed(key, client);
    return c.json({ token: await deps.issueToken(user) }, 200);
  });
}
