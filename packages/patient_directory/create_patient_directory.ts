import { askService, notFound } from "@pms/http";
import { restrictedRecord } from "@pms/patient_access";

/** What the patient service says of a patient id. */
export type PatientStatus = "ACTIVE" | "DELETED" | "MISSING";

/** Options for {@linkcode createPatientDirectory}. */
export interface PatientDirectoryOptions {
  /** The patient service's base URL (`PATIENT_URL`). */
  url: string;
  /** Time allowed for one answer; defaults to 2000 ms. */
  timeoutMs?: number;
  /** The fetch to use (unit tests pass a fake). */
  fetch?: typeof fetch;
}

/** The patient check. */
export interface PatientDirectory {
  /** What the patient service says of `patientId`, asked with the caller's bearer `token`. */
  status(patientId: string, token: string): Promise<PatientStatus>;
  /**
   * Resolves when the patient exists, is not deleted and is not restricted to others than the
   * caller.
   *
   * @throws {Error} a `DomainError` (`@pms/http`): `not_found` "Patient not found" otherwise;
   * `unavailable` when the patient service does not answer.
   * @throws {HTTPException} `403` "Record is restricted".
   */
  requireActive(patientId: string, token: string): Promise<void>;
  /**
   * Resolves when the patient exists and is not deleted, restricted or not: for a filter naming
   * it (a list then shows a restricted patient's records as stubs).
   *
   * @throws {Error} a `DomainError` (`@pms/http`): `not_found` "Patient not found" otherwise;
   * `unavailable` when the patient service does not answer.
   */
  requireKnown(patientId: string, token: string): Promise<void>;
}

/**
 * Asks the patient service's internal `GET /internal/patients/{id}` at each call, with no cache:
 * a patient is known there the moment its create answered and unknown the moment its delete did,
 * so a caller never sees a gap that a copy fed by the `patient` topic would leave. One request per
 * booking or encounter is cheap beside the write it guards.
 */
export function createPatientDirectory(options: PatientDirectoryOptions): PatientDirectory {
  const base = options.url.replace(/\/+$/, "");

  async function ask(patientId: string, token: string) {
    return await askService(
      `${base}/internal/patients/${encodeURIComponent(patientId)}`,
      token,
      {
        service: "Patient",
        timeoutMs: options.timeoutMs,
        fetch: options.fetch,
      },
    );
  }

  async function status(patientId: string, token: string): Promise<PatientStatus> {
    const body = await ask(patientId, token);
    return body?.status === "ACTIVE"
      ? "ACTIVE"
      : body?.status === "DELETED"
      ? "DELETED"
      : "MISSING";
  }

  return {
    status,
    async requireActive(patientId, token) {
      const body = await ask(patientId, token);
      if (body?.status !== "ACTIVE") throw notFound("Patient");
      if (body.restricted === true) throw restrictedRecord();
    },
    async requireKnown(patientId, token) {
      if (await status(patientId, token) !== "ACTIVE") throw notFound("Patient");
    },
  };
}
