import type { OpenAPIHono } from "@hono/zod-openapi";
import { answerChange, auditNote, callContext, changeById, disclosedList } from "@pms/audit";
import {
  answerVersion,
  type AppEnv,
  defineRoute,
  idempotency,
  type IdempotencyStore,
  type Paging,
  periodOf,
  resourceApp,
} from "@pms/http";
import * as doc from "@pms/http/openapi";
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
import type { ClinicalService } from "../domain/clinical_service.ts";
import { CLINICAL_ROLES } from "./_util.ts";

const EncounterIdParam = doc.idParam("encounter");
const etag = doc.etagHeader;

/** `/encounters`: open, find, finish or cancel a visit; its observations and notes. */
export function encounterRoutes(
  service: ClinicalService,
  keys: IdempotencyStore,
  paging: Paging,
  currency: string,
): OpenAPIHono<AppEnv> {
  const app = resourceApp();
  const finishBody = finishEncounterInput(currency);
  const list = {
    path: "/encounters",
    defaultSize: paging.defaultSize,
    requirePatient: service.requirePatient,
  };

  app.openapi(
    defineRoute({
      method: "post",
      path: "/",
      audit: { action: "encounter.create", patient: { body: "patientId" } },
      summary: "Open an encounter, for an appointment or not (Idempotency-Key honoured)",
      roles: CLINICAL_ROLES,
      idempotency: idempotency({ store: keys }),
      request: { body: doc.jsonBody(CreateEncounter) },
      responses: {
        201: doc.answer("Opened; Location names it", Encounter, etag),
        400: doc.invalidFields("Invalid fields"),
      },
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
    defineRoute({
      method: "get",
      path: "/",
      audit: "encounter.search",
      summary: "Encounters, newest start first (paged; X-Total-Count and Link)",
      roles: CLINICAL_ROLES,
      request: {
        query: doc.listQuery({
          patientId: doc.patientIdFilter,
          status: doc.enumFilter("status", ENCOUNTER_STATUSES),
          ...periodFilters,
        }, paging),
      },
      responses: { ...doc.pagedList(doc.orRestricted(Encounter), "A page of encounters") },
      errors: doc.patientFilterErrors,
    }),
    async (c) => {
      const query = c.req.valid("query");
      const filter = { patientId: query.patientId, status: query.status, ...periodOf(query) };
      return await disclosedList(
        c,
        list,
        query,
        (p) => service.listEncounters({ ...filter, ...p }),
      );
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/{id}",
      audit: "encounter.read",
      summary: "An encounter (ETag)",
      roles: CLINICAL_ROLES,
      request: { params: EncounterIdParam },
      responses: { 200: doc.answer("The encounter", Encounter, etag) },
      errors: { 400: "Malformed id", 404: "Encounter not found" },
    }),
    async (c) => {
      const encounter = await service.encounter(c.req.valid("param").id);
      auditNote(c, { patientIds: [encounter.patientId], details: { encounterId: encounter.id } });
      return answerVersion(c, encounter, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/{id}/finish",
      audit: "encounter.finish",
      summary: "Finish an encounter; its charges reach billing exactly once (If-Match honoured)",
      roles: CLINICAL_ROLES,
      request: {
        params: EncounterIdParam,
        headers: doc.ifMatchHeaders(),
        body: { required: false, content: doc.jsonContent(finishBody) },
      },
      responses: {
        200: doc.answer("The encounter", Encounter, etag),
        400: doc.invalidFields(
          `Malformed id or charges (an amount in another currency than ${currency})`,
        ),
      },
      errors: {
        404: "Encounter not found",
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
      request: { params: EncounterIdParam, headers: doc.ifMatchHeaders() },
      responses: { 200: doc.answer("The encounter", Encounter, etag) },
      errors: {
        400: "Malformed id",
        404: "Encounter not found",
        ...doc.staleVersion,
        409: "Encounter is not in progress",
      },
    }),
    async (c) => {
      const encounter = await service.cancelEncounter(c.req.valid("param").id, callContext(c));
      return answerChange(c, encounter, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/{id}/observations",
      audit: "observation.create",
      summary: "Record a vital sign (LOINC code, UCUM unit, plausible range; Idempotency-Key " +
        "honoured)",
      roles: CLINICAL_ROLES,
      idempotency: idempotency({ store: keys }),
      request: { params: EncounterIdParam, body: doc.jsonBody(CreateObservation) },
      responses: {
        201: doc.answer("The observation", Observation, etag),
        400: doc.invalidFields("Unknown code, unit not allowed for it, or value out of range"),
      },
      errors: { 404: "Encounter not found", 409: "Encounter is not in progress" },
    }),
    (c) => changeById(c, service.addObservation, 201),
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/{id}/notes",
      audit: "note.create",
      summary: "Write a DRAFT note (subjective, objective, assessment, plan; Idempotency-Key " +
        "honoured)",
      roles: CLINICAL_ROLES,
      idempotency: idempotency({ store: keys }),
      request: { params: EncounterIdParam, body: doc.jsonBody(CreateNote) },
      responses: {
        201: doc.answer("The note; Location names it", Note, etag),
        400: doc.invalidFields("Invalid fields, or all four empty"),
      },
      errors: { 404: "Encounter not found", 409: "Encounter is not in progress" },
    }),
    (c) => changeById(c, service.addNote, 201, "/notes"),
  );

  return app;
}
