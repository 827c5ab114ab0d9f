import { OpenAPIHono, z } from "@hono/zod-openapi";
import { auditCommitted, auditNote } from "@pms/audit";
import {
  type AppEnv,
  clientPath,
  defineRoute,
  etagOf,
  idempotency,
  type IdempotencyStore,
  jsonError,
  jsonText,
  notFound,
  notModified,
  pagedJson,
  type Paging,
  resourceApp,
} from "@pms/http";
import * as doc from "@pms/http/openapi";
import type { Context, MiddlewareHandler } from "hono";
import {
  CreatePatient,
  DeletedPatient,
  DuplicateCandidate,
  HistoryEntry,
  isStorableText,
  PatchPatient,
  Patient,
  PatientIdParam,
  UpdatePatient,
} from "../domain/patient_schema.ts";
import type { ChangeContext, PatientService } from "../domain/patient_service.ts";
import type { MergeService } from "../domain/merge_service.ts";
import { isCalendarDate } from "../domain/dates.ts";
import type { PatientRecord } from "../domain/patient_record.ts";
import {
  changeContext,
  committed,
  PATIENT_CALLS,
  PATIENT_ROLES,
  type PatientCall,
} from "./_util.ts";
import { type Changed, createPatientOperations } from "../domain/patient_operations.ts";

// A JSON body's media type is checked after the role (401 → 403 → 415 → 400: `defineRoute`):
// a role without access learns nothing about bodies. PATCH checks its own (`requireMergePatch`).

const SORTS = [
  "name",
  "-name",
  "dateOfBirth",
  "-dateOfBirth",
  "registeredDate",
  "-registeredDate",
] as const;

/** A paged list's query: `page`, `size` and an optional `search` that `description` explains. */
export function pagedSearchQuery(paging: Paging, description: string) {
  return z.object({
    ...doc.pageParams(paging.maxSize, paging.defaultSize),
    search: z.string().trim().min(1, "search must not be empty")
      .max(100, "search must be at most 100 characters")
      .refine(isStorableText, "search contains invalid characters").optional()
      .openapi({ description }),
  });
}

function listQuery(paging: Paging) {
  return pagedSearchQuery(paging, "Case-insensitive part of the name or email");
}

/** The patient list's query: paging, `search`, and the lookup filters and sort. */
function lookupQuery(paging: Paging) {
  return listQuery(paging).extend({
    name: z.string().trim().min(1, "name must not be empty")
      .max(100, "name must be at most 100 characters")
      .refine(isStorableText, "name contains invalid characters")
      .refine((v) => v.split(/\s+/).length <= 10, "name must have at most 10 words").optional()
      .openapi({
        description: "Words that each begin a word of the name, in any case or accent " +
          "(`jo do` finds John Doe, `elo` Éloïse)",
      }),
    email: z.string().trim().max(254, "email must be a valid email address")
      .email("email must be a valid email address").optional()
      .openapi({ description: "The email, in any case" }),
    dateOfBirth: z.string().refine(isCalendarDate, "dateOfBirth must be a date (YYYY-MM-DD)")
      .optional().openapi({ format: "date" }),
    sort: z.enum(SORTS, { error: `sort must be one of ${SORTS.join(", ")}` }).optional()
      .openapi({ description: "Order (default `name`); `-` in front for descending; ties by id" }),
  });
}

const MergedAnswer = z.object({ message: z.string(), mergedInto: z.string() }).openapi(
  "MergedPatient",
);

const ifMatch = doc.ifMatchHeaders();

/**
 * What a change of a patient's fields declares alike (PUT, PATCH; If-Match honoured): the `call`
 * (of {@linkcode PATIENT_CALLS}); the `body`; the patient as changed (`answered`, with its ETag),
 * and what a change can answer besides.
 */
function fieldsChange<const B>(call: PatientCall, body: B, answered: string) {
  return {
    ...call,
    request: { params: PatientIdParam, headers: ifMatch, body },
    responses: {
      200: doc.answer(answered, Patient, doc.etagHeader),
      400: doc.invalidFields("Invalid fields, id or If-Match"),
    },
    errors: {
      404: "No such patient",
      409: "Email address already exists (a PATCH without If-Match: or the patient kept " +
        "changing under it; Retry-After)",
      412: "If-Match names another version; ETag is the current one",
    },
  };
}

/** The body and headers of a one-patient answer: the patient and its ETag. */
function answerPatient<S extends 200 | 201>(c: Context<AppEnv>, patient: PatientRecord, status: S) {
  const { deleted: _deleted, ...shown } = patient as PatientRecord & { deleted?: boolean };
  c.header("ETag", etagOf(patient.version));
  return c.json(shown as PatientRecord, status);
}

/** The answer to a change: the patient (a new version's audit record committed with it). */
async function answerChanged(c: Context<AppEnv>, change: Promise<Changed>) {
  return answerPatient(c, committed(c, await change), 200);
}

/**
 * The handler of a change of the patient `{id}` names with the JSON body (If-Match honoured):
 * the patient as `change` leaves it.
 */
function answerFieldsChanged<B>(
  c: Context<AppEnv, string, { out: { param: { id: string }; json: B } }>,
  change: (id: string, body: B, context: ChangeContext) => Promise<Changed>,
) {
  return answerChanged(
    c,
    change(c.req.valid("param").id, c.req.valid("json"), changeContext(c, true)),
  );
}

/** `/patients`: list, read, create, update, patch, delete; deleted list, restore, history. */
export function patientRoutes(
  service: PatientService,
  paging: Paging,
  keys: IdempotencyStore,
  merges: Pick<MergeService, "links">,
): OpenAPIHono<AppEnv> {
  const patients = createPatientOperations(service);
  const app = resourceApp();
  const idempotent = idempotency({ store: keys });
  const base = (c: Context<AppEnv>) => clientPath(c, "/patients");
  const pageOf = (query: { page?: string; size?: string }) => doc.pageOf(query, paging.defaultSize);

  app.openapi(
    defineRoute({
      method: "get",
      path: "/",
      audit: "patient.search",
      summary: "List and look up patients (a JSON array, paged; see X-Total-Count and Link)",
      roles: PATIENT_ROLES.read,
      request: { query: lookupQuery(paging) },
      responses: {
        ...doc.pagedList(doc.orRestricted(Patient), "A page of patients"),
      },
      errors: { 400: "A bad paging or search value" },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const { page, size } = pageOf(query);
      const result = await service.list({ ...query, page, size });
      auditNote(c, { patientIds: result.ids, details: { ...query, page, size } });
      // The page is already JSON, built by PostgreSQL in the shape of `Patient`.
      return pagedJson(c, result, {
        path: base(c),
        page,
        size,
        search: query.search,
        filters: {
          name: query.name,
          email: query.email,
          dateOfBirth: query.dateOfBirth,
          sort: query.sort,
        },
      });
    },
  );

  // Before `/{id}`, which would take "deleted" for a malformed id.
  app.openapi(
    defineRoute({
      method: "get",
      path: "/deleted",
      audit: "patient.search",
      summary: "Deleted patients, most recently deleted first (ADMIN; paged)",
      roles: PATIENT_ROLES.admin,
      request: { query: listQuery(paging) },
      responses: {
        ...doc.pagedList(DeletedPatient, "A page of deleted patients"),
      },
      errors: { 400: "A bad paging or search value" },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const { page, size } = pageOf(query);
      const result = await service.listDeleted({ page, size, search: query.search });
      auditNote(c, { patientIds: result.ids, details: { ...query, page, size, deleted: true } });
      return pagedJson(c, result, {
        path: `${base(c)}/deleted`,
        page,
        size,
        search: query.search,
      });
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/{id}",
      ...PATIENT_CALLS.read,
      summary: "One patient (ETag; If-None-Match → 304)",
      // If-None-Match is read by the handler, not declared here: a declared header schema would
      // validate every header of every read on the hottest route.
      description: 'Send the ETag back as `If-None-Match` (`W/"<version>"` or `*`) for a 304.',
      request: { params: PatientIdParam },
      responses: {
        200: doc.answer("The patient", Patient, doc.etagHeader),
        ...doc.notModifiedAnswer,
        410: {
          description: "Merged into another patient (`mergedInto`)",
          content: doc.jsonContent(MergedAnswer),
        },
      },
      errors: { 404: "No such patient", 400: "Malformed id" },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      const patient = await service.get(id);
      if (!patient) {
        const { mergedInto } = await merges.links(id);
        if (mergedInto) return c.json({ message: "Patient was merged", mergedInto }, 410);
        throw notFound("Patient");
      }
      return notModified(c, patient.version) ?? answerPatient(c, patient, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/{id}/history",
      ...PATIENT_CALLS.history,
      summary: "A patient's versions, newest first (ADMIN, CLINICIAN; paged)",
      request: {
        params: PatientIdParam,
        query: listQuery(paging).pick({ page: true, size: true }),
      },
      responses: {
        ...doc.pagedList(HistoryEntry, "The versions"),
      },
      errors: { 404: "No such patient", 400: "Malformed id or paging" },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      // A deleted patient's history is ADMIN's only; for everyone else it does not exist.
      await patients.find(id, { includeDeleted: c.get("user").role === "ADMIN" });
      const { page, size } = pageOf(c.req.valid("query"));
      const result = await service.history(id, { page, size });
      return pagedJson(c, result, {
        path: `${base(c)}/${id}/history`,
        page,
        size,
      });
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/{id}/duplicates",
      ...PATIENT_CALLS.duplicates,
      summary: "Likely duplicates of a patient, best first (at most 10)",
      description: "Other patients with the same date of birth and a similar name (trigram " +
        "similarity ≥ 0.5), or the same name and address, in any case or accent. Score: half " +
        "the name's similarity, 0.4 for the date of birth, 0.1 for the address.",
      request: { params: PatientIdParam },
      responses: {
        200: doc.answer("The candidates", z.array(DuplicateCandidate)),
      },
      errors: { 404: "No such patient", 400: "Malformed id" },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      const found = await service.duplicates(id);
      if (!found) throw notFound("Patient");
      auditNote(c, { patientIds: [id, ...(found.ids ?? [])] });
      return jsonText<z.infer<typeof DuplicateCandidate>[], 200>(c, found.json, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/",
      audit: "patient.create",
      summary: "Register a patient (Idempotency-Key honoured)",
      roles: PATIENT_ROLES.write,
      idempotency: idempotent,
      request: {
        body: doc.jsonBody(CreatePatient),
      },
      responses: {
        201: {
          description: "Created; Location names it",
          headers: {
            ...doc.etagHeader,
            "Possible-Duplicates": {
              description: "How many likely duplicates exist (when any): see `/{id}/duplicates`",
              schema: { type: "integer" as const },
            },
          },
          content: doc.jsonContent(Patient),
        },
        400: doc.invalidFields("Invalid fields"),
      },
      errors: { 409: "Email address already exists, or the key's first request is running" },
    }),
    async (c) => {
      const { patient, possibleDuplicates } = await patients.create(
        c.req.valid("json"),
        changeContext(c),
      );
      auditCommitted(c);
      c.header("Location", `${base(c)}/${patient.id}`);
      // The create stands: a person decides whether they are the same (GET …/duplicates).
      if (possibleDuplicates > 0) c.header("Possible-Duplicates", String(possibleDuplicates));
      return answerPatient(c, patient, 201);
    },
  );

  app.openapi(
    defineRoute({
      method: "put",
      path: "/{id}",
      summary: "Replace a patient's details (registeredDate optional; If-Match honoured)",
      ...fieldsChange(PATIENT_CALLS.update, doc.jsonBody(UpdatePatient), "The updated patient"),
    }),
    (c) => answerFieldsChanged(c, patients.update),
  );

  app.openapi(
    defineRoute({
      method: "patch",
      path: "/{id}",
      summary: "Change some of a patient's details (RFC 7396 merge patch; If-Match honoured)",
      middleware: [requireMergePatch],
      ...fieldsChange(PATIENT_CALLS.patch, {
        required: true,
        content: { "application/merge-patch+json": { schema: PatchPatient } },
      }, "The patient"),
    }),
    // Without If-Match the patch applies to the version it was merged with, merged again if
    // someone else changes the patient in between: a merge never overwrites a change it did not
    // see.
    (c) => answerFieldsChanged(c, patients.patch),
  );

  app.openapi(
    defineRoute({
      method: "delete",
      path: "/{id}",
      ...PATIENT_CALLS.delete,
      summary: "Delete a patient (kept, hidden, restorable by an ADMIN; If-Match honoured)",
      request: { params: PatientIdParam, headers: ifMatch },
      responses: {
        204: { description: "Deleted" },
      },
      errors: {
        404: "No such patient",
        412: "If-Match names another version; ETag is the current one",
        400: "Malformed id or If-Match",
      },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      const removed = await patients.remove(id, changeContext(c, true));
      // Deleted already: REST no longer knows it.
      if ("alreadyDeleted" in removed) throw notFound("Patient");
      committed(c, removed);
      return c.body(null, 204);
    },
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/{id}/restore",
      ...PATIENT_CALLS.restore,
      summary: "Bring a deleted patient back (ADMIN)",
      request: { params: PatientIdParam },
      responses: {
        200: doc.answer("The patient, restored", Patient, doc.etagHeader),
      },
      errors: {
        409: "Not deleted, or its email is taken meanwhile",
        404: "No such patient",
        400: "Malformed id",
      },
    }),
    (c) => answerChanged(c, patients.restore(c.req.valid("param").id, changeContext(c))),
  );

  return app;
}

/** `415` unless the PATCH body is `application/merge-patch+json`. */
const requireMergePatch: MiddlewareHandler<AppEnv> = async function requireMergePatch(c, next) {
  const type = (c.req.header("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/merge-patch+json") {
    throw jsonError(415, "Content-Type must be application/merge-patch+json");
  }
  await next();
};
