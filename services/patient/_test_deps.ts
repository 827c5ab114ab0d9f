// The patient routes' dependencies for the service's app tests (`app.request()`, no server).
import type { Sql } from "@pms/db";
import { createIdempotencyStore } from "@pms/http";
import type { VerifyToken } from "@pms/service";
import { silentLogger } from "@pms/testing";
import type { PatientRoutesDeps } from "./app.ts";
import { createConsentService } from "./domain/consent_service.ts";
import { createExportRunner, type ExportRunner } from "./domain/export_runner.ts";
import { createExportService } from "./domain/export_service.ts";
import { createGroupService } from "./domain/group_service.ts";
import { createMergeService } from "./domain/merge_service.ts";
import { createPatientService } from "./domain/patient_service.ts";
import { createRestrictionAccess } from "./domain/restriction_access.ts";
import { createRestrictionService } from "./domain/restriction_service.ts";

/** Where `$everything` and exports look for appointments and encounters: nowhere that answers. */
export const NOWHERE = { schedulingUrl: "http://127.0.0.1:9", clinicalUrl: "http://127.0.0.1:9" };

/**
 * Every dependency of `mountPatientRoutes` on the test database `sql`, tokens checked by `verify`,
 * exports made by `runner` (a new one by default): the real services, nothing faked but the
 * other services' addresses.
 */
export function testRouteDeps(
  sql: Sql,
  verify: VerifyToken,
  runner: ExportRunner = createExportRunner({ sql, logger: silentLogger(), related: NOWHERE }),
): PatientRoutesDeps {
  return {
    service: createPatientService(sql, { listCachePages: 0 }),
    groups: createGroupService(sql),
    consents: createConsentService(sql),
    merges: createMergeService(sql, { undoDays: 30 }),
    restrictions: createRestrictionService(sql, {
      breakGlassMinutes: 60,
      access: createRestrictionAccess(sql, silentLogger()),
    }),
    keys: createIdempotencyStore(sql, { ttlSeconds: 60 }),
    verify,
    paging: { defaultSize: 20, maxSize: 100 },
    maxBodyBytes: 16_384,
    fhirBaseUrl: "http://localhost/fhir/R4",
    related: NOWHERE,
    exports: createExportService(sql, runner, { ttlHours: 24 }),
    logger: silentLogger(),
  };
}
