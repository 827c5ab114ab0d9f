import type { MiddlewareHandler } from "hono";
import { type AppEnv, jsonError } from "@pms/http";
import { hasBody } from "./connection.ts";

/** Options for {@linkcode readBody}. */
export interface ReadBodyOptions {
  /** The largest accepted body in bytes (then 413). */
  maxBytes: number;
  /** How long the whole body may take to arrive, in ms (then 408). */
  timeoutMs: number;
}

const STALLED = Symbol("stalled");

/**
 * Reads a request's body before it is forwarded, at most `maxBytes` within `timeoutMs`, and keeps
 * it as `requestBody` for the forwarder. A body that stalls is the client's fault: answered here
 * with `408` (connection closed), not blamed on the upstream as a 504 once the upstream's
 * timeout runs out. A client that hangs up mid-body gets `400` (if it still listens), logged at
 * info. A declared or actual size over the limit is `413`. Requests without a body pass
 * untouched; bodies are small, so buffering them costs little.
 */
export function readBody(options: ReadBodyOptions): MiddlewareHandler<AppEnv> {
  const tooLarge = () => jsonError(413, `Request body is larger than ${options.maxBytes} bytes`);
  return async function readBody(c, next) {
    if (!hasBody(c)) return await next();
    const raw = c.req.raw;
    if (!raw.body) return await next();
    if (Number(raw.headers.get("content-length") ?? 0) > options.maxBytes) throw tooLarge();
    const reader = raw.body.getReader();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stalled = new Promise<typeof STALLED>((resolve) => {
      timer = setTimeout(() => resolve(STALLED), options.timeoutMs);
    });
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for (;;) {
        const read = await Promise.race([reader.read(), stalled]);
        if (read === STALLED) {
          c.get("logger").info("request body timed out", { timeoutMs: options.timeoutMs });
          reader.cancel().catch(() => {});
          throw jsonError(408, "The request body did not arrive in time", { Connection: "close" });
        }
        if (read.done) break;
        size += read.value.byteLength;
        if (size > options.maxBytes) {
          reader.cancel().catch(() => {});
          throw tooLarge();
        }
        chunks.push(read.value);
      }
    } catch (error) {
      if (error instanceof Error && "status" in error) throw error;
      c.get("logger").info("request body not received", { reason: (error as Error)?.name });
      throw jsonError(400, "The request body could not be read");
    } finally {
      clearTimeout(timer);
    }
    const body = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      body.set(chunk, offset);
      offset += chunk.byteLength;
    }
    c.set("requestBody", body.buffer);
    await next();
  };
}
