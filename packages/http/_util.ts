import { isDatabaseUnavailable } from "@pms/db";

/** True when `error` says a dependency (database, network peer, token keys) could not be reached. */
export function isUnavailableError(error: unknown): boolean {
  if (isDatabaseUnavailable(error)) return true;
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    if (typeof e !== "object") return false;
    if ((e as { name?: unknown }).name === "KeysUnavailableError") return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
