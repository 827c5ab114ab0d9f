/** An answer read whole: its status, its headers and its body parsed as JSON (if any). */
export interface JsonAnswer {
  status: number;
  headers: Headers;
  // deno-lint-ignore no-explicit-any -- each test reads the fields it expects
  body: any;
}

/** Calls an app: a method, a path, an optional JSON body and extra headers. */
export type JsonCall = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<JsonAnswer>;

/**
 * A caller of `app` (anything with Hono's `request`) as the holder of `token`: a body is sent as
 * JSON, and each answer is read whole and parsed.
 */
export function jsonCaller(
  app: { request(path: string, init: RequestInit): Response | Promise<Response> },
  token: string,
): JsonCall {
  return async (method, path, body, headers = {}) => {
    const res = await app.request(path, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
}
