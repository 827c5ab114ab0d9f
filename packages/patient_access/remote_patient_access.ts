import { askService } from "@pms/http";
import type { AccessDecision, PatientAccess } from "./patient_access.ts";

/** Options for {@linkcode remotePatientAccess}. */
export interface RemotePatientAccessOptions {
  /** The patient service's base URL (`PATIENT_URL`). */
  url: string;
  /** Time allowed for one answer; defaults to 5000 ms (a busy machine's patient service). */
  timeoutMs?: number;
  /** The fetch to use (unit tests pass a fake). */
  fetch?: typeof fetch;
}

// Ids per question: a page of a list is at most a few hundred records.
const CHUNK = 500;

/**
 * Asks the patient service's internal `POST /internal/patients/access` `{"patientIds"}` with the
 * caller's token, at every answer that holds patient data: a restriction applies from the moment
 * its `PUT` answered, with no copy to lag behind it (the `PATIENT_RESTRICTION_CHANGED` event tells
 * consumers that keep data of their own). No question is asked for an answer naming no patient.
 *
 * @throws {DomainError} `unavailable` when the patient service does not answer: a record is not
 * served when nobody can say whether it is restricted.
 */
export function remotePatientAccess(options: RemotePatientAccessOptions): PatientAccess {
  const url = `${options.url.replace(/\/+$/, "")}/internal/patients/access`;
  return {
    async decide(patientIds, caller) {
      const decision: AccessDecision = { hidden: new Set(), grants: new Map() };
      const ids = [...new Set(patientIds)];
      for (let i = 0; i < ids.length; i += CHUNK) {
        const body = await askService(url, caller.token, {
          service: "Patient",
          timeoutMs: options.timeoutMs ?? 5_000,
          fetch: options.fetch,
          missing: [],
          body: { patientIds: ids.slice(i, i + CHUNK) },
        });
        for (const id of Array.isArray(body?.hidden) ? body.hidden : []) {
          if (typeof id === "string") decision.hidden.add(id);
        }
        const grants = body?.grants;
        if (grants && typeof grants === "object") {
          for (const [id, grant] of Object.entries(grants)) {
            if (typeof grant === "string") decision.grants.set(id, grant);
          }
        }
      }
      return decision;
    },
  };
}
