import type { Hono, MiddlewareHandler } from "hono";
import type { AppEnv } from "./app_env.ts";
import { bodyLimit } from "./body_limit/mod.ts";
import { jwtAuth, type JwtAuthOptions } from "./jwt_auth/mod.ts";
import { noStore } from "./no_store/mod.ts";

/**
 * Guards each of an API's `resources` (`/encounters`) with the stack every data API shares: no
 * answer stored by caches, a bearer token verified by `verify`, a body of at most `maxBodyBytes`;
 * then `more` (a restricted-records check). One registration per resource (`/x/*` matches `/x`
 * too), so the guards run once per request.
 */
export function guardResources(
  app: Hono<AppEnv>,
  resources: string[],
  options: { verify: JwtAuthOptions["verify"]; maxBodyBytes: number },
  ...more: MiddlewareHandler<AppEnv>[]
): void {
  const guards = [
    noStore(),
    jwtAuth({ verify: options.verify }),
    bodyLimit({ maxBytes: options.maxBodyBytes }),
    ...more,
  ];
  for (const resource of resources) app.use(`${resource}/*`, ...guards);
}
