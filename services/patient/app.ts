import type { OpenAPIHono } from "@hono/zod-openapi";
import { type Context, Hono } from "hono";
import { type AppEnv, guardResources, type IdempotencyStore, type Paging } from "@pms/http";
import { isUuid } from "@pms/ids";
import type { Logger } from "@pms/log";
import type { VerifyToken } from "@pms/service";
import type { GroupService } from "./domain/group_service.ts";
import type { PatientService } from "./domain/patient_service.ts";
import { fhirRoutes } from "./fhir/fhir_routes.ts";
import type { RelatedSources } from "./fhir/related_resources.ts";
import type { ExportService } from "./domain/export_service.ts";
import { groupRoutes, patientGroupRoutes } from "./routes/groups.ts";
import type { ConsentService } from "./domain/consent_service.ts";
import { consentRoutes } from "./routes/consents.ts";
import { internalRoutes } from "./routes/internal.ts";
import type { MergeService } from "./domain/merge_service.ts";
import { mergeRoutes } from "./routes/merge.ts";
import { restrictionRoutes } from "./routes/restrictions.ts";
import type { RestrictionService } from "./domain/restriction_service.ts";
import { patientOfRecord, restrictedRecords } from "@pms/patient_access";
import { serveFhirDocument } from "@pms/fhir";
import { patientRoutes } from "./routes/patients.ts";

/** What the patient routes need. */
export interface PatientRoutesDeps {
  service: PatientService;
  groups: GroupService;
  consents: ConsentService;
  merges: MergeService;
  /** Restricted records and break-glass grants: who may see which patient. */
  restrictions: RestrictionService;
  /** Idempotency-Key storage for the creating POSTs. */
  keys: IdempotencyStore;
  /** Verifies bearer tokens: this service checks them itself, not only the gateway. */
  verify: VerifyToken;
  paging: Paging;
  maxBodyBytes: number;
  /** `FHIR_BASE_URL`: the base of the FHIR facade's `fullUrl`, links and `Location`. */
  fhirBaseUrl: string;
  /** Where `$everything` finds a patient's Appointments, Encounters and Observations. */
  related: RelatedSources;
  /** Bulk Data export jobs and their files. */
  exports: ExportService;
  logger: Logger;
}

/**
 * The patient of a record in this service's answers: a likely duplicate (its `patient`, whose
 * `reasons` are masked with it), a patient as REST shows it (an `id` with a `dateOfBirth`), or
 * what every service answers (`patientId`, FHIR references).
 */
function patientOfAnswer(record: Record<string, unknown>): string | undefined {
  const duplicate = "reasons" in record ? record.patient as { id?: unknown } | null : undefined;
  if (typeof duplicate?.id === "string") return duplicate.id;
  return patientOfRecord(record) ??
    (typeof record.id === "string" && "dateOfBirth" in record ? record.id : undefined);
}

const UNMERGE = /^\/patients\/([^/]+)\/unmerge$/;

/**
 * The other patient a request changes without naming it: an unmerge names the source, and gives
 * the target back its fields from before the merge, so a target restricted to others refuses it
 * as the source would.
 */
function unmergeTarget(merges: MergeService) {
  return async (c: Context<AppEnv>): Promise<string | undefined> => {
    const source = c.req.method === "POST" ? UNMERGE.exec(c.req.path)?.[1] : undefined;
    if (!isUuid(source)) return undefined;
    return (await merges.links(source)).mergedInto ?? undefined;
  };
}

/** Where the FHIR R4 facade is served (the gateway forwards `/fhir/R4/**` as it is). */
const FHIR_ROOT = "/fhir/R4";

/**
 * Mounts `/patients` and `/groups` (token and body limit required, a JSON body checked on each
 * route after its role; patient data never stored by caches) on the service app, and the FHIR R4
 * facade at `/fhir/R4` with its own OpenAPI document at `/v3/api-docs/fhir` (its paths stay out
 * of the REST document).
 */
export function mountPatientRoutes(app: OpenAPIHono<AppEnv>, deps: PatientRoutesDeps): void {
  guardResources(
    app,
    ["/patients", "/groups"],
    deps,
    restrictedRecords({
      access: deps.restrictions,
      patientOf: patientOfAnswer,
      recordPatient: unmergeTarget(deps.merges),
    }),
  );
  app.route("/patients", patientRoutes(deps.service, deps.paging, deps.keys, deps.merges));
  app.route("/patients", mergeRoutes(deps.merges));
  app.route("/patients", patientGroupRoutes(deps.groups));
  app.route("/patients", consentRoutes(deps.consents));
  app.route("/patients", restrictionRoutes(deps.restrictions, deps.keys));
  app.route("/groups", groupRoutes(deps.groups, deps.paging, deps.keys));
  app.route("/internal", internalRoutes(deps.service, deps.restrictions, deps.verify));

  const fhir = fhirRoutes({
    service: deps.service,
    merges: deps.merges,
    access: deps.restrictions,
    keys: deps.keys,
    verify: deps.verify,
    baseUrl: deps.fhirBaseUrl,
    related: deps.related,
    exports: deps.exports,
    paging: deps.paging,
    maxBodyBytes: deps.maxBodyBytes,
    logger: deps.logger,
  });
  // Mounted through a plain Hono app, so that OpenAPIHono does not merge the FHIR paths into
  // the REST document (whose paths live under /api); they have their own.
  app.route(FHIR_ROOT, new Hono<AppEnv>().route("/", fhir));
  serveFhirDocument(app, fhir, {
    name: "fhir",
    title: "Patient Service FHIR R4 API",
    description: "Patients as HL7 FHIR R4 Patient resources (`application/fhir+json`): " +
      "the same records, versions, history, events and audit trail as the REST API. " +
      "`GET /metadata` needs no token; every error is an OperationOutcome.",
  });
}
