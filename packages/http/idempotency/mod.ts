import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app_env.ts";
import { jsonError } from "../json_error.ts";
import type { IdempotencyStore, StoredResponse } from "./store.ts";

export { default as createIdempotencyTable } from "./create_idempotency_table.ts";
export {
  type ClaimOutcome,
  createIdempotencyStore,
  type IdempotencyStore,
  type IdempotencyStoreOptions,
  type KeyedRequest,
  type StoredResponse,
} from "./store.ts";

/** Options for {@linkcode idempotency}. */
export interface IdempotencyOptions {
  store: IdempotencyStore;
  /** A request without the header is refused (`400`), as payments are. Defaults to false. */
  required?: boolean;
  /** How long a duplicate of a running request waits for its answer. Defaults to 5 s. */
  waitMs?: number;
}

const KEY = /^[\x21-\x7e]{1,255}$/;
// Answered again on a replay; the rest of the first answer's headers belong to that exchange.
const KEPT_HEADERS = ["content-type", "location", "etag", "possible-duplicates"];
// Not kept: the caller may succeed with the same key once authorised, or once throttling ends.
const NOT_KEPT = new Set([401, 403, 429]);

/** JSON with object keys sorted at every depth: two bodies that parse alike hash alike. */
function canonical(text: string): string {
  try {
    const sort = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(sort)
        : value && typeof value === "object"
        ? Object.fromEntries(
          Object.keys(value).sort().map((k) => [k, sort((value as Record<string, unknown>)[k])]),
        )
        : value;
    return JSON.stringify(sort(JSON.parse(text)));
  } catch {
    return text;
  }
}

function replay(response: StoredResponse): Response {
  return new Response(response.body, {
    status: response.status,
    headers: { ...response.headers, "Idempotent-Replayed": "true" },
  });
}

/**
 * `Idempotency-Key` on a creating POST (draft-ietf-httpapi-idempotency-key-header): per user
 * (the token's `uid`), the first answer to a key is kept (`< 500`, except 401, 403 and 429) and
 * replayed to a retry of the same request — method, path and body compared as parsed JSON —
 * with `Idempotent-Replayed: true`, nothing done twice. Another request under the key is `422`;
 * a duplicate of a request still running waits for its answer (up to `waitMs`), else `409` with
 * `Retry-After: 1`. Never two creates: the key is claimed by one statement before the handler
 * runs. Declare it on the route, after the role check.
 */
export function idempotency(options: IdempotencyOptions): MiddlewareHandler<AppEnv> {
  const waitMs = options.waitMs ?? 5_000;
  return async function idempotency(c, next) {
    const key = c.req.header("Idempotency-Key");
    if (key === undefined) {
      if (options.required) throw jsonError(400, "Idempotency-Key is required");
      return await next();
    }
    if (!KEY.test(key)) {
      throw jsonError(400, "Idempotency-Key must be 1 to 255 visible ASCII characters");
    }
    const userId = c.get("user").uid;
    const body = await c.req.text();
    const hash = new Uint8Array(
      await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonical(body))),
    );
    const request = { userId, key, method: c.req.method, path: c.req.path, hash };
    const outcome = await options.store.claim(request);
    if (outcome.state === "mismatch") {
      throw jsonError(422, "Idempotency-Key reused with a different request");
    }
    if (outcome.state === "done") return replay(outcome.response);
    if (outcome.state === "running") {
      const deadline = Date.now() + waitMs;
      while (Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        const answer = await options.store.lookup(userId, key);
        if (answer) return replay(answer);
      }
      throw jsonError(409, "A request with this Idempotency-Key is in progress", {
        "Retry-After": "1",
      });
    }
    try {
      await next();
    } catch (error) {
      await options.store.release(userId, key);
      throw error;
    }
    const res = c.res;
    if (res.status >= 500 || NOT_KEPT.has(res.status)) {
      await options.store.release(userId, key);
      return;
    }
    const headers: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = res.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    await options.store.complete(userId, key, {
      status: res.status,
      headers,
      body: await res.clone().text(),
    });
  };
}
