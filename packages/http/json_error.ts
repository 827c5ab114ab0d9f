import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * An {@linkcode HTTPException} whose response is a JSON body: `{"message": …}` for a string, or
 * the given object (for example a map of field errors). Extra headers are added to the response.
 */
export function jsonError(
  status: ContentfulStatusCode,
  body: string | Record<string, unknown>,
  headers: Record<string, string> = {},
): HTTPException {
  const payload = typeof body === "string" ? { message: body } : body;
  const res = Response.json(payload, { status, headers });
  return new HTTPException(status, {
    res,
    message: typeof body === "string" ? body : "Request failed",
  });
}
