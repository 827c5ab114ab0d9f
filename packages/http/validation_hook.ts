import type { Context } from "hono";
import type { z } from "zod";
import { jsonError } from "./json_error.ts";
import { enforceQueryBounds } from "./query_bounds.ts";

/** What `@hono/zod-openapi` hands a `defaultHook`. */
interface HookResult {
  success: boolean;
  target?: string;
  error?: z.ZodError;
}

/**
 * Field → first message, for a body that failed its schema: `{"name": "Name is required"}`.
 * Keys the schema does not know are reported as `"Unknown field"`.
 */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) fields[key] ??= "Unknown field";
      continue;
    }
    const field = issue.path.length > 0 ? String(issue.path[0]) : "body";
    fields[field] ??= issue.message;
  }
  return fields;
}

/**
 * The `defaultHook` of every OpenAPIHono app: a body that fails validation is `400` with
 * {@linkcode fieldErrors} (a body that is not a JSON object gets `{"message"}`); a path or query
 * parameter that fails is `400 {"message"}` with the schema's own message. Every query is first
 * held to the shared bounds (`enforceQueryBounds`: 20 comma-separated values, 10 repetitions),
 * whether or not it fits its schema: runs after the route's middleware (401 → 403 → 400).
 */
export function validationHook(result: HookResult, c: Context): void {
  // The query as sent (the result holds only the parameters the schema keeps).
  if (result.target === "query") enforceQueryBounds(c.req.queries());
  if (result.success || !result.error) return;
  const issues = result.error.issues;
  if (result.target === "json") {
    const root = issues.find((i) => i.path.length === 0 && i.code !== "unrecognized_keys");
    if (root) throw jsonError(400, "Request body must be a JSON object");
    throw jsonError(400, fieldErrors(result.error));
  }
  const first = issues[0];
  const name = first?.path[0] !== undefined ? String(first.path[0]) : "parameter";
  const message = first && !first.message.startsWith("Invalid input")
    ? first.message
    : `Invalid value for ${name}`;
  throw jsonError(400, message);
}
