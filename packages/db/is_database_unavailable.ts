// postgres.js connection errors and PostgreSQL's "cannot serve you now" SQLSTATEs.
const UNAVAILABLE_CODES = new Set([
  // A transaction PostgreSQL rolled back for others' sake, where a caller's own retries ran
  // out: the same request may succeed a moment later.
  "40001", // serialization_failure
  "40P01", // deadlock_detected
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECTION_ENDED",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "53300", // too_many_connections
  "08000",
  "08001",
  "08003",
  "08006",
]);

/**
 * True when `error` (or its cause) says the database cannot serve the work now: it could not be
 * reached, it is shutting down or full, or it rolled the transaction back as a deadlock or a
 * serialization failure. Such work is answered "try again" (`503`, gRPC `UNAVAILABLE`), never as
 * a fault.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    if (typeof e !== "object") return false;
    const { code, name } = e as { code?: unknown; name?: unknown };
    if (typeof code === "string" && UNAVAILABLE_CODES.has(code)) return true;
    if (name === "ConnectionRefused") return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
