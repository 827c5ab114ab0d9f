import type { HTTPException } from "hono/http-exception";
import { jsonError } from "@pms/http";
import type { Logger } from "@pms/log";

/**
 * The gateway's answer to a failed upstream call, logged at warn: a timeout → `504`, a refused
 * or reset connection → `503` with `Retry-After: 1`, any other failure → `502`.
 */
export function upstreamError(logger: Logger, name: string, error: unknown): HTTPException {
  const err = error as { name?: string; message?: string; cause?: { name?: string } };
  if (err?.name === "TimeoutError" || err?.cause?.name === "TimeoutError") {
    logger.warn("upstream timed out", { upstream: name });
    return jsonError(504, `The ${name} service did not answer in time`);
  }
  const text = `${err?.message ?? ""} ${String((error as { cause?: unknown })?.cause ?? "")}`;
  if (/refused|ECONNREFUSED|Connection reset|os error 111/i.test(text)) {
    logger.warn("upstream unavailable", { upstream: name });
    return jsonError(503, `The ${name} service is unavailable`, { "Retry-After": "1" });
  }
  logger.warn("upstream failed", { upstream: name, err: error });
  return jsonError(502, `The ${name} service could not be reached`);
}
