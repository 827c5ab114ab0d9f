import type { MiddlewareHandler } from "hono";
import { bodyLimit as honoBodyLimit } from "hono/body-limit";
import type { AppEnv } from "../app_env.ts";
import { jsonError } from "../json_error.ts";

/** Options for {@linkcode bodyLimit}. */
export interface BodyLimitOptions {
  /** The largest accepted body in bytes; defaults to 64 KiB. */
  maxBytes?: number;
}

/** Hono's body limit, answering `413 {"message"}` when a body is larger than `maxBytes`. */
export function bodyLimit(options: BodyLimitOptions = {}): MiddlewareHandler<AppEnv> {
  const maxBytes = options.maxBytes ?? 64 * 1024;
  return honoBodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw jsonError(413, `Request body is larger than ${maxBytes} bytes`);
    },
  });
}
