import { DomainError } from "@pms/http";

/** Options for {@linkcode createPractitionerDirectory}. */
export interface PractitionerDirectoryOptions {
  /** Auth's base URL (`AUTH_URL`). */
  url: string;
  /** Time allowed for one answer; defaults to 2000 ms. */
  timeoutMs?: number;
  /** The fetch to use (unit tests pass a fake). */
  fetch?: typeof fetch;
}

/** Whether a user id names an enabled clinician. */
export interface PractitionerDirectory {
  /**
   * True when auth knows `userId` as an enabled `CLINICIAN`, asked with the caller's token (only
   * an ADMIN writes schedules, and an ADMIN may read users).
   *
   * @throws {DomainError} `unavailable` when auth does not answer.
   */
  isEnabledClinician(userId: string, token: string): Promise<boolean>;
}

/** Asks auth's `GET /users/{id}` (the call is audited there as the ADMIN's `user.read`). */
export function createPractitionerDirectory(
  options: PractitionerDirectoryOptions,
): PractitionerDirectory {
  const doFetch = options.fetch ?? fetch;
  const base = options.url.replace(/\/+$/, "");
  return {
    async isEnabledClinician(userId, token) {
      let res: Response;
      try {
        res = await doFetch(`${base}/users/${encodeURIComponent(userId)}`, {
          headers: { authorization: `Bearer ${token}`, accept: "application/json" },
          signal: AbortSignal.timeout(options.timeoutMs ?? 2_000),
        });
      } catch {
        throw new DomainError("unavailable", "Auth service is unavailable", {
          headers: { "retry-after": "1" },
        });
      }
      if (res.status === 404 || res.status === 400) {
        await res.body?.cancel();
        return false;
      }
      if (res.status !== 200) {
        await res.body?.cancel();
        throw new DomainError("unavailable", "Auth service is unavailable", {
          headers: { "retry-after": "1" },
        });
      }
      const user = await res.json() as { role?: unknown; disabled?: unknown };
      return user.role === "CLINICIAN" && user.disabled !== true;
    },
  };
}
