import { askService, DomainError } from "@pms/http";

/** Options for {@linkcode createAppointmentDirectory}. */
export interface AppointmentDirectoryOptions {
  /** The scheduling service's base URL (`SCHEDULING_URL`). */
  url: string;
  /** Time allowed for one answer; defaults to 2000 ms. */
  timeoutMs?: number;
  /** The fetch to use (unit tests pass a fake). */
  fetch?: typeof fetch;
}

/** An appointment as scheduling describes it to other services. */
export interface AppointmentSummary {
  id: string;
  patientId: string;
  status: string;
}

/** Looks up appointments in the scheduling service. */
export interface AppointmentDirectory {
  /**
   * The appointment `id`, or undefined when scheduling does not know it; asked with the caller's
   * token.
   *
   * @throws {DomainError} `unavailable` when scheduling does not answer.
   */
  find(id: string, token: string): Promise<AppointmentSummary | undefined>;
}

/** Asks scheduling's `GET /internal/appointments/{id}`. */
export function createAppointmentDirectory(
  options: AppointmentDirectoryOptions,
): AppointmentDirectory {
  const base = options.url.replace(/\/+$/, "");
  return {
    async find(id, token) {
      const body = await askService(
        `${base}/internal/appointments/${encodeURIComponent(id)}`,
        token,
        {
          service: "Scheduling",
          timeoutMs: options.timeoutMs,
          fetch: options.fetch,
        },
      );
      if (!body) return undefined;
      if (typeof body.patientId !== "string" || typeof body.status !== "string") {
        throw new DomainError("unavailable", "Scheduling service is unavailable", {
          headers: { "retry-after": "1" },
        });
      }
      return { id, patientId: body.patientId, status: body.status };
    },
  };
}
