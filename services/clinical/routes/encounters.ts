import type { OpenAPIHono } from "@hono/zod-openapi";
import { answerChange, callContext, changeById } from "@pms/audit";
import { type AppEnv, defineRoute, periodOf, recordRoutes, resourceApp } from "@pms/http";
import * as doc from "@pms/http/openapi";
import type { ClinicalRoutesDeps } from "../app.ts";
import {
  CreateEncounter,
  CreateNote,
  CreateObservation,
  Encounter,
  ENCOUNTER_STATUSES,
  type FinishEncounter,
  finishEncounterInput,
  Note,
  Observation,
  periodFilters,
} from "../domain/clinical_schema.ts";
import { CLINICAL_ROLES, clinicalList, readRecord, stepRecord } from "./_util.ts";

const etag = doc.etagHeader;

/** `/encounters`: open, find, finish or cancel a visit; its observations and notes. */
export function encounterRoutes(deps: ClinicalRoutesDeps): OpenAPIHono<AppEnv> {
  const { service, keys, paging, currency } = deps;
  const app = resourceApp();
  const finishBody = finishEncounterInput(currency);
  const answerList = clinicalList("/encounters", deps);
  const encounters = recordRoutes({
    noun: "encounter",
    schema: Encounter,
    roles: CLINICAL_ROLES,
    keys,
  });

  app.openapi(
    encounters.create({
      audit: { action: "encounter.create", patient: { body: "patientId" } },
      summary: "Open an encounter, for an appointment or not (Idempotency-Key honoured)",
      body: CreateEncounter,
      created: "Opened; Location names it",
      invalid: "Invalid fields",
      errors: {
        404: "Patient not found, or Appointment not found",
        409: "The appointment is another patient's or not BOOKED or ARRIVED",
      },
    }),
    async (c) => {
      const encounter = await service.startEncounter(c.req.valid("json"), callContext(c));
      return answerChange(c, encounter, 201, "/encounters");
    },
  );

  app.openapi(
    encounters.search("Encounters, newest start first (paged; X-Total-Count and Link)", {
      status: doc.enumFilter("status", ENCOUNTER_STATUSES),
      ...periodFilters,
    }, paging),
    async (c) => {
      const query = c.req.valid("query");
      const filter = { patientId: query.patientId, status: query.status, ...periodOf(query) };
      return await answerList(c, query, (p) => service.listEncounters({ ...filter, ...p }));
    },
  );

  app.openapi(
    encounters.read("An encounter (ETag)"),
    (c) => readRecord(c, service.encounter, "encounterId"),
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/{id}/finish",
      audit: "encounter.finish",
      summary: "Finish an encounter; its charges reach billing exactly once (If-Match honoured)",
      roles: CLINICAL_ROLES,
      request: {
        params: encounters.params,
        headers: doc.ifMatchHeaders(),
        body: { required: false, content: doc.jsonContent(finishBody) },
      },
      responses: {
        200: encounters.ok,
        400: doc.invalidFields(
          `Malformed id or charges (an amount in another currency than ${currency})`,
        ),
      },
      errors: {
        404: encounters.notFound,
        ...doc.staleVersion,
        409: "Encounter is not in progress, or Encounter has unsigned notes",
      },
    }),
    async (c) => {
      const body = c.req.valid("json") as FinishEncounter | undefined;
      const encounter = await service.finishEncounter(
        c.req.valid("param").id,
        body ?? {},
        callContext(c),
      );
      return answerChange(c, encounter, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/{id}/cancel",
      audit: "encounter.cancel",
      summary: "Cancel an encounter (If-Match honoured)",
      roles: CLINICAL_ROLES,
      request: { params: encounters.params, headers: doc.ifMatchHeaders() },
      responses: { 200: encounters.ok },
      errors: {
        400: "Malformed id",
        404: encounters.notFound,
        ...doc.staleVersion,
        409: "Encounter is not in progress",
      },
    }),
    (c) => stepRecord(c, service.cancelEncounter),
  );

  app.openapi(
    encounters.add({
      under: "observations",
      audit: "observation.create",
      summary: "Record a vital sign (LOINC code, UCUM unit, plausible range; Idempotency-Key " +
        "honoured)",
      body: CreateObservation,
      created: doc.answer("The observation", Observation, etag),
      invalid: "Unknown code, unit not allowed for it, or value out of range",
      conflict: "Encounter is not in progress",
    }),
    (c) => changeById(c, service.addObservation, 201),
  );

  app.openapi(
    encounters.add({
      under: "notes",
      audit: "note.create",
      summary: "Write a DRAFT note (subjective, objective, assessment, plan; Idempotency-Key " +
        "honoured)",
      body: CreateNote,
      created: doc.answer("The note; Location names it", Note, etag),
      invalid: "Invalid fields, or all four empty",
      conflict: "Encounter is not in progress",
    }),
    (c) => changeById(c, service.addNote, 201, "/notes"),
  );

  return app;
}
