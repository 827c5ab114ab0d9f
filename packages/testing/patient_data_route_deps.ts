import type { Sql } from "@pms/db";
import { createIdempotencyStore, type IdempotencyStore, type Paging } from "@pms/http";
import type { Logger } from "@pms/log";
import { type PatientAccess, unrestricted } from "@pms/patient_access";
import type { PatientDirectory } from "@pms/patient_directory";
import type { VerifyToken } from "@pms/service";
import { silentLogger } from "./silent_logger.ts";

/** The route dependencies every patient-data service (scheduling, clinical) takes alike. */
export interface PatientDataRouteDeps {
  keys: IdempotencyStore;
  verify: VerifyToken;
  access: PatientAccess;
  paging: Paging;
  fhirBaseUrl: string;
  logger: Logger;
}

/**
 * For `app.request()` tests of a patient-data service's routes on a test database: its
 * idempotency keys in `sql`, tokens checked by `verify`, no record restricted, pages of 50 (at
 * most 100), the gateway's FHIR base, no log output; and a patient directory that knows every
 * patient (`patients`), for the service's use cases.
 */
export function patientDataRouteDeps(
  sql: Sql,
  verify: VerifyToken,
): PatientDataRouteDeps & { patients: PatientDirectory } {
  return {
    keys: createIdempotencyStore(sql, { ttlSeconds: 60 }),
    verify,
    access: unrestricted,
    paging: { defaultSize: 50, maxSize: 100 },
    fhirBaseUrl: "http://localhost:4004/fhir/R4",
    logger: silentLogger(),
    patients: {
      status: () => Promise.resolve("ACTIVE"),
      requireActive: () => Promise.resolve(),
      requireKnown: () => Promise.resolve(),
    },
  };
}
