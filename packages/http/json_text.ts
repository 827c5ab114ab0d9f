import type { Context, TypedResponse } from "hono";

/**
 * `status` with a body that is already JSON text (built by the database), typed as the route's
 * response schema `T` so `@hono/zod-openapi` accepts it.
 */
export function jsonText<T, S extends 200 | 201>(
  c: Context,
  json: string,
  status: S,
): TypedResponse<T, S, "json"> {
  c.header("Content-Type", "application/json");
  return c.body(json, status) as unknown as TypedResponse<T, S, "json">;
}
