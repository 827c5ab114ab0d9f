import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./app_env.ts";
import { validationHook } from "./validation_hook.ts";

/**
 * The app of one resource's routes: typed context variables, and requests that fail their
 * schemas answered `400` with the fields at fault (`validationHook`). Mount it with `app.route()`.
 */
export function resourceApp(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}
