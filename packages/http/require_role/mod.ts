import type { MiddlewareHandler } from "hono";
import type { Role } from "@pms/jwt";
import type { AppEnv } from "../app_env.ts";
import { jsonError } from "../json_error.ts";

/**
 * Lets a request through only when its token's role is one of `roles`; else `403
 * {"message":"Forbidden"}`. Declared on each route, next to it (`createRoute({ middleware })`),
 * so a service's routes read as its row of the role matrix. It runs after the token check and
 * before validation: 401 → 403 → 400 → 404, as the contract orders them, so a role without
 * access learns nothing about ids or bodies.
 */
export function requireRole(...roles: Role[]): MiddlewareHandler<AppEnv> {
  const allowed = new Set<string>(roles);
  return async function requireRole(c, next) {
    const user = c.get("user");
    if (!user || !allowed.has(user.role)) {
      c.get("logger")?.info("forbidden", { role: user?.role, method: c.req.method });
      throw jsonError(403, "Forbidden");
    }
    await next();
  };
}
