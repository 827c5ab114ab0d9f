import type { MiddlewareHandler } from "hono";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { auditNote } from "@pms/audit";
import { type AppEnv, defineRoute, etagOf, FHIR_ANSWERS, fhirError } from "@pms/http";
import {
  dateBounds,
  FhirAnyQuery,
  FhirIdParam,
  fhirJson,
  fhirPageParams,
  fhirReadApp,
  fhirResourceAnswer,
  onlyParams,
  queryPairs,
  referenceId,
  searchBundle,
  searchLinks,
} from "@pms/fhir";
import { isUuid } from "@pms/ids";
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
  paging: { defaultSize: number; maxSize: number };
  logger: Logger;
  /** Run after the token check (the restricted-records check). */
  guards?: MiddlewareHandler<AppEnv>[];
}

const STATUSES = Object.fromEntries(
  Object.entries(FHIR_ENCOUNTER_STATUS).map(([ours, fhir]) => [fhir, ours]),
) as Record<string, keyof typeof FHIR_ENCOUNTER_STATUS>;

/** A token search value (`<code>` or `<system>|<code>`) as its code. */
function tokenCode(value: string): string {
  const bar = value.lastIndexOf("|");
  return bar < 0 ? value : value.slice(bar + 1);
}

/**
 * The FHIR R4 read and search of the clinical service (mounted at `/fhir/R4`, where the gateway
 * routes `Encounter` and `Observation`): the same rows, roles and audit actions as the REST API,
 * every error an OperationOutcome.
 */
export function fhirRoutes(options: ClinicalFhirOptions): OpenAPIHono<AppEnv> {
  const { service, baseUrl: base, paging } = options;
  const app = fhirReadApp(options);

  const before = (d?: Date) => (d ? new Date(d.getTime() - 1) : undefined);

  app.openapi(
    defineRoute({
      method: "get",
      path: "/Encounter/{id}",
      audit: "encounter.read",
      answers: FHIR_ANSWERS,
      summary: "read: an Encounter",
      roles: CLINICAL_ROLES,
      request: { params: FhirIdParam, query: FhirAnyQuery },
      responses: fhirResourceAnswer("The Encounter"),
      errors: { 404: "No such encounter (code not-found)" },
    }),
    async (c) => {
      onlyParams(queryPairs(c.req.url), ["_format"]);
      const id = c.req.valid("param").id;
      if (!isUuid(id)) throw fhirError(404, "Encounter not found", { code: "not-found" });
      const encounter = await service.encounter(id);
      auditNote(c, { patientIds: [encounter.patientId], details: { encounterId: id } });
      return fhirJson(c, toFhirEncounter(encounter), { ETag: etagOf(encounter.version) });
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/Encounter",
      audit: "encounter.search",
      answers: FHIR_ANSWERS,
      summary: "search-type: Encounters by patient, status, date (on start); _count pages",
      roles: CLINICAL_ROLES,
      request: { query: FhirAnyQuery },
      responses: fhirResourceAnswer("A searchset Bundle"),
      errors: { 400: "An unknown parameter or a bad value" },
    }),
    async (c) => {
      const pairs = queryPairs(c.req.url);
      onlyParams(pairs, ["patient", "status", "date", "_count", "_offset", "_format"]);
      const { count, offset } = fhirPageParams(pairs, paging.defaultSize, paging.maxSize);
      const patient = pairs.findLast(([k]) => k === "patient")?.[1];
      const status = pairs.findLast(([k]) => k === "status")?.[1];
      if (status !== undefined && !STATUSES[status]) {
        throw fhirError(400, `status must be one of ${Object.keys(STATUSES).join(", ")}`);
      }
      const bounds = dateBounds("date", pairs.filter(([k]) => k === "date").map(([, v]) => v));
      const found = await service.listEncounters({
        patientId: patient === undefined ? undefined : referenceId("patient", patient, ["Patient"]),
        status: status === undefined ? undefined : STATUSES[status],
        from: bounds.from,
        to: before(bounds.before),
        page: 0,
        size: count + offset,
      });
      const items = found.items.slice(offset);
      auditNote(c, { patientIds: [...new Set(items.map((e) => e.patientId))] });
      return fhirJson(
        c,
        searchBundle(
          base,
          items.map(toFhirEncounter),
          found.total,
          searchLinks(base, c.req.url, "Encounter", { offset, count, total: found.total }),
        ),
      );
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/Observation/{id}",
      audit: "observation.read",
      answers: FHIR_ANSWERS,
      summary: "read: an Observation (vital signs, UCUM quantity)",
      roles: CLINICAL_ROLES,
      request: { params: FhirIdParam, query: FhirAnyQuery },
      responses: fhirResourceAnswer("The Observation"),
      errors: { 404: "No such observation (code not-found)" },
    }),
    async (c) => {
      onlyParams(queryPairs(c.req.url), ["_format"]);
      const id = c.req.valid("param").id;
      if (!isUuid(id)) throw fhirError(404, "Observation not found", { code: "not-found" });
      const observation = await service.observation(id);
      auditNote(c, { patientIds: [observation.patientId], details: { observationId: id } });
      return fhirJson(c, toFhirObservation(observation), { ETag: etagOf(observation.version) });
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/Observation",
      audit: "observation.search",
      answers: FHIR_ANSWERS,
      summary: "search-type: Observations by patient, code (LOINC), date; _count pages",
      roles: CLINICAL_ROLES,
      request: { query: FhirAnyQuery },
      responses: fhirResourceAnswer("A searchset Bundle"),
      errors: { 400: "An unknown parameter or a bad value" },
    }),
    async (c) => {
      const pairs = queryPairs(c.req.url);
      onlyParams(pairs, ["patient", "code", "date", "category", "_count", "_offset", "_format"]);
      const { count, offset } = fhirPageParams(pairs, paging.defaultSize, paging.maxSize);
      const patient = pairs.findLast(([k]) => k === "patient")?.[1];
      const code = pairs.findLast(([k]) => k === "code")?.[1];
      const category = pairs.findLast(([k]) => k === "category")?.[1];
      const bounds = dateBounds("date", pairs.filter(([k]) => k === "date").map(([, v]) => v));
      const none = category !== undefined && tokenCode(category) !== "vital-signs";
      const found = none ? { items: [], total: 0 } : await service.listObservations({
        patientId: patient === undefined ? undefined : referenceId("patient", patient, ["Patient"]),
        code: code === undefined ? undefined : tokenCode(code),
        from: bounds.from,
        to: before(bounds.before),
        page: 0,
        size: count + offset,
      });
      const items = found.items.slice(offset);
      auditNote(c, { patientIds: [...new Set(items.map((o) => o.patientId))] });
      return fhirJson(
        c,
        searchBundle(
          base,
          items.map(toFhirObservation),
          found.total,
          searchLinks(base, c.req.url, "Observation", { offset, count, total: found.total }),
        ),
      );
    },
  );

  return app;
}
