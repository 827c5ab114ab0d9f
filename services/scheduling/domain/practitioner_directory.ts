import { askService } from "@pms/http";

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
  const base = options.url.replace(/\/+$/, "");
  return {
    async isEnabledClinician(userId, token) {
      const user = await askService(`${base}/users/${encodeURIComponent(userId)}`, token, {
        service: "Auth",
        missing: [400, 404],
        timeoutMs: options.timeoutMs,
        fetch: options.fetch,
      });
      return user?.role === "CLINICIAN" && user.disabled !== true;
    },
  };
}
