import type { IdempotencyStore, JwtAuthOptions, Paging } from "@pms/http";
import type { Logger } from "@pms/log";
import type { PatientAccess } from "./patient_access.ts";

/**
 * What the routes of a service that keeps records about patients need (its REST resources and its
 * FHIR read and search): `service`, its domain operations, and the wiring around them.
 */
export interface PatientDataRoutesDeps<S> {
  service: S;
  /** Idempotency-Key storage for the creating POSTs. */
  keys: IdempotencyStore;
  verify: JwtAuthOptions["verify"];
  /** Who may see which patient (the patient service decides). */
  access: PatientAccess;
  paging: Paging;
  maxBodyBytes: number;
  /** `FHIR_BASE_URL`. */
  fhirBaseUrl: string;
  logger: Logger;
}
