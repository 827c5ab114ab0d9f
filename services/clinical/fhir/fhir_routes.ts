import type { MiddlewareHandler } from "hono";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv, Paging } from "@pms/http";
import {
  type DateBounds,
  dateBounds,
  fhirRead,
  fhirReadApp,
  fhirSearchRoute,
  searchPage,
  searchQuery,
  tokenCode,
} from "@pms/fhir";
import type { Logger } from "@pms/log";
import type { VerifyToken } from "@pms/service";
import type { ClinicalService } from "../domain/clinical_service.ts";
import { CLINICAL_ROLES } from "../routes/_util.ts";
import { FHIR_ENCOUNTER_STATUS, toFhirEncounter, toFhirObservation } from "./fhir_resources.ts";

/** What {@linkcode fhirRoutes} needs. */
export interface ClinicalFhirOptions {
  service: ClinicalService;
  verify: VerifyToken;
  /** `FHIR_BASE_URL`: the base of `fullUrl` and links. */
  baseUrl: string;
  paging: Paging;
  logger: Logger;
  /** Run after the token check (the restricted-records check). */
  guards?: MiddlewareHandler<AppEnv>[];
}

const STATUSES = Object.fromEntries(
  Object.entries(FHIR_ENCOUNTER_STATUS).map(([ours, fhir]) => [fhir, ours]),
) as Record<string, keyof typeof FHIR_ENCOUNTER_STATUS>;

const LOINC = "http://loinc.org";
const CATEGORIES = "http://terminology.hl7.org/CodeSystem/observation-category";

/**
 * The FHIR R4 read and search of the clinical service (mounted at `/fhir/R4`, where the gateway
 * routes `Encounter` and `Observation`): the same rows, roles and audit actions as the REST API,
 * every error an OperationOutcome.
 */
export function fhirRoutes(options: ClinicalFhirOptions): OpenAPIHono<AppEnv> {
  const { service, baseUrl: base, paging } = options;
  const app = fhirReadApp(options);

  // A date search's bounds as the store's inclusive period.
  const period = (bounds: DateBounds) => ({
    from: bounds.from,
    to: bounds.before,
    excluded: bounds.excluded,
  });

  fhirRead(app, {
    type: "Encounter",
    audit: "encounter.read",
    summary: "read: an Encounter",
    roles: CLINICAL_ROLES,
    load: service.encounter,
    note: (encounter, id) => ({ patientIds: [encounter.patientId], details: { encounterId: id } }),
    present: toFhirEncounter,
  });

  app.openapi(
    fhirSearchRoute({
      type: "Encounter",
      audit: { action: "encounter.search", patient: { query: "patient" } },
      summary: "search-type: Encounters by patient, status, date (on start); _count pages",
      roles: CLINICAL_ROLES,
    }),
    async (c) => {
      const query = searchQuery(c.req.url, ["patient", "status", "date"], paging);
      const status = query.codes("status", STATUSES, "http://hl7.org/fhir/encounter-status");
      const bounds = dateBounds("date", query.all("date"));
      const patientId = query.reference("patient", ["Patient"]);
      return await searchPage(c, query, {
        base,
        type: "Encounter",
        find: (size) =>
          service.listEncounters({
            patientId,
            status,
            ...period(bounds),
            page: 0,
            size,
          }),
        present: (items) => items.map(toFhirEncounter),
        patientOf: (encounter) => encounter.patientId,
      });
    },
  );

  fhirRead(app, {
    type: "Observation",
    audit: "observation.read",
    summary: "read: an Observation (vital signs, UCUM quantity)",
    roles: CLINICAL_ROLES,
    load: service.observation,
    note: (observation, id) => ({
      patientIds: [observation.patientId],
      details: { observationId: id },
    }),
    present: toFhirObservation,
  });

  app.openapi(
    fhirSearchRoute({
      type: "Observation",
      audit: { action: "observation.search", patient: { query: "patient" } },
      summary: "search-type: Observations by patient, code (LOINC), date; _count pages",
      roles: CLINICAL_ROLES,
    }),
    async (c) => {
      const query = searchQuery(c.req.url, ["patient", "code", "date", "category"], paging);
      const given = query.last("code");
      const category = query.last("category");
      const bounds = dateBounds("date", query.all("date"));
      // Codes are LOINC, and only vital signs are kept: another system or category finds nothing.
      // Comma-separated codes are alternatives: any of them matches.
      const codes = given?.split(",").map((value) => tokenCode(value, LOINC))
        .filter((code) => code !== false);
      const code = codes === undefined || codes.some((c) => c.code === undefined)
        ? undefined
        : codes.map((c) => c.code!);
      const kind = category === undefined ? {} : tokenCode(category, CATEGORIES);
      const none = codes?.length === 0 || !kind ||
        (kind.code !== undefined && kind.code !== "vital-signs");
      return await searchPage(c, query, {
        base,
        type: "Observation",
        find: (size) =>
          none ? Promise.resolve({ items: [], total: 0 }) : service.listObservations({
            patientId: query.reference("patient", ["Patient"]),
            code,
            ...period(bounds),
            page: 0,
            size,
          }),
        present: (items) => items.map(toFhirObservation),
        patientOf: (observation) => observation.patientId,
      });
    },
  );

  return app;
}
