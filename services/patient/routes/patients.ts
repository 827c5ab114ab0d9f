import { OpenAPIHono, z } from "@hono/zod-openapi";
import { auditCommitted, auditNote } from "@pms/audit";
import {
  type AppEnv,
  clientPath,
  defineRoute,
  fieldErrors,
  idempotency,
  type IdempotencyStore,
  jsonError,
  jsonText,
  pagedJson,
  validationHook,
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
import type { PatientService } from "../domain/patient_service.ts";
import { isCalendarDate } from "../domain/dates.ts";
import { etagOf, parseEtagList } from "../domain/etag.ts";
import type { ChangeOutcome, PatientRecord } from "../store/patient_store.ts";
import { changeContext, expectedVersions, PATIENT_ROLES } from "./_util.ts";

const PatientList = z.array(Patient);

// A JSON body's media type is checked after the role (401 → 403 → 415 → 400: `defineRoute`):
// a role without access learns nothing about bodies. PATCH checks its own (`requireMergePatch`).
/** Merges a PATCH without If-Match tries against the latest version before it gives up. */
const MAX_MERGE_ATTEMPTS = 25;
const forbidden = {
  403: { description: "The role may not do this", content: doc.jsonContent(doc.Message) },
};

/** Paging limits. */
export interface PagingOptions {
  defaultSize: number;
  maxSize: number;
}

const SORTS = [
  "name",
  "-name",
  "dateOfBirth",
  "-dateOfBirth",
  "registeredDate",
  "-registeredDate",
] as const;

function listQuery(paging: PagingOptions) {
  return z.object({
    ...doc.pageParams(paging.maxSize, paging.defaultSize),
    search: z.string().trim().min(1, "search must not be empty")
      .max(100, "search must be at most 100 characters")
      .refine(isStorableText, "search contains invalid characters").optional()
      .openapi({ description: "Case-insensitive part of the name or email" }),
  });
}

/** The patient list's query: paging, `search`, and the lookup filters and sort. */
function lookupQuery(paging: PagingOptions) {
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

const STALE = "Patient was changed by someone else";
const NOT_FOUND = "Patient not found";

const etagged = {
  ETag: { description: 'The version, `W/"<version>"`', schema: { type: "string" as const } },
};
const notFound = { 404: { description: "No such patient", content: doc.jsonContent(doc.Message) } };
const stale = {
  412: {
    description: "If-Match names another version; ETag is the current one",
    content: doc.jsonContent(doc.Message),
  },
};
// What a PUT or PATCH can answer besides the patient.
const changeErrors = {
  400: {
    description: "Invalid fields, id or If-Match",
    content: doc.jsonContent(doc.FieldErrors),
  },
  ...notFound,
  409: {
    description: "Email address already exists (a PATCH without If-Match: or the patient kept " +
      "changing under it; Retry-After)",
    content: doc.jsonContent(doc.Message),
  },
  ...stale,
  ...forbidden,
};
const ifMatch = z.object({
  "if-match": z.string().optional().openapi({
    description: "`*` or entity tags: the change applies only to that version",
  }),
});

/** The body and headers of a one-patient answer: the patient and its ETag. */
function answerPatient<S extends 200 | 201>(c: Context<AppEnv>, patient: PatientRecord, status: S) {
  const { deleted: _deleted, ...shown } = patient as PatientRecord & { deleted?: boolean };
  c.header("ETag", etagOf(patient.version));
  return c.json(shown as PatientRecord, status);
}

/** The answer to a change: the patient, or 404, 412 (with the current ETag) or 409. */
function answerChange(c: Context<AppEnv>, outcome: ChangeOutcome) {
  switch (outcome.outcome) {
    case "changed":
      // Its audit record committed with it.
      auditCommitted(c);
      return answerPatient(c, outcome.patient, 200);
    case "unchanged":
      return answerPatient(c, outcome.patient, 200);
    case "missing":
      throw jsonError(404, NOT_FOUND);
    case "stale":
      throw jsonError(412, STALE, { ETag: etagOf(outcome.version) });
    case "not-deleted":
      throw jsonError(409, "Patient is not deleted");
  }
}

/** `/patients`: list, read, create, update, patch, delete; deleted list, restore, history. */
export function patientRoutes(
  service: PatientService,
  paging: PagingOptions,
  keys: IdempotencyStore,
): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const idempotent = idempotency({ store: keys });
  const base = (c: Context<AppEnv>) => clientPath(c, "/patients");
  const pageOf = (query: { page?: string; size?: string }) => ({
    page: Number(query.page ?? 0),
    size: Number(query.size ?? paging.defaultSize),
  });

  app.openapi(
    defineRoute({
      method: "get",
      path: "/",
      audit: "patient.search",
      summary: "List and look up patients (a JSON array, paged; see X-Total-Count and Link)",
      roles: PATIENT_ROLES.read,
      request: { query: lookupQuery(paging) },
      responses: {
        200: { description: "A page of patients", content: doc.jsonContent(PatientList) },
        400: { description: "A bad paging or search value", content: doc.jsonContent(doc.Message) },
        ...forbidden,
      },
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
        200: {
          description: "A page of deleted patients",
          content: doc.jsonContent(z.array(DeletedPatient)),
        },
        400: { description: "A bad paging or search value", content: doc.jsonContent(doc.Message) },
        ...forbidden,
      },
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
      audit: { action: "patient.read", patient: { param: "id" } },
      summary: "One patient (ETag; If-None-Match → 304)",
      roles: PATIENT_ROLES.read,
      // If-None-Match is read by the handler, not declared here: a declared header schema would
      // validate every header of every read on the hottest route.
      description: 'Send the ETag back as `If-None-Match` (`W/"<version>"` or `*`) for a 304.',
      request: { params: PatientIdParam },
      responses: {
        200: { description: "The patient", headers: etagged, content: doc.jsonContent(Patient) },
        304: {
          description: "Not modified: If-None-Match names the current version",
          headers: etagged,
        },
        400: { description: "Malformed id", content: doc.jsonContent(doc.Message) },
        ...forbidden,
        ...notFound,
      },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      const patient = await service.get(id);
      if (!patient) throw jsonError(404, NOT_FOUND);
      const ifNoneMatch = c.req.header("If-None-Match");
      const tags = ifNoneMatch === undefined ? undefined : parseEtagList(ifNoneMatch);
      if (tags === "*" || tags?.includes(patient.version)) {
        c.header("ETag", etagOf(patient.version));
        return c.body(null, 304);
      }
      return answerPatient(c, patient, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/{id}/history",
      audit: { action: "patient.history", patient: { param: "id" } },
      summary: "A patient's versions, newest first (ADMIN, CLINICIAN; paged)",
      roles: PATIENT_ROLES.history,
      request: {
        params: PatientIdParam,
        query: listQuery(paging).pick({ page: true, size: true }),
      },
      responses: {
        200: { description: "The versions", content: doc.jsonContent(z.array(HistoryEntry)) },
        400: { description: "Malformed id or paging", content: doc.jsonContent(doc.Message) },
        ...forbidden,
        ...notFound,
      },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      // A deleted patient's history is ADMIN's only; for everyone else it does not exist.
      const patient = await service.get(id, { includeDeleted: c.get("user").role === "ADMIN" });
      if (!patient) throw jsonError(404, NOT_FOUND);
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
      audit: { action: "patient.duplicates", patient: { param: "id" } },
      summary: "Likely duplicates of a patient, best first (at most 10)",
      description: "Other patients with the same date of birth and a similar name (trigram " +
        "similarity ≥ 0.5), or the same name and address, in any case or accent. Score: half " +
        "the name's similarity, 0.4 for the date of birth, 0.1 for the address.",
      roles: PATIENT_ROLES.read,
      request: { params: PatientIdParam },
      responses: {
        200: {
          description: "The candidates",
          content: doc.jsonContent(z.array(DuplicateCandidate)),
        },
        400: { description: "Malformed id", content: doc.jsonContent(doc.Message) },
        ...forbidden,
        ...notFound,
      },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      const found = await service.duplicates(id);
      if (!found) throw jsonError(404, NOT_FOUND);
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
      middleware: [idempotent],
      request: {
        headers: z.object({
          "idempotency-key": z.string().optional().openapi({
            description: "1–255 visible ASCII; a retry with it replays the first answer (24 h)",
          }),
        }),
        body: { required: true, content: doc.jsonContent(CreatePatient) },
      },
      responses: {
        201: {
          description: "Created; Location names it",
          headers: {
            ...etagged,
            "Possible-Duplicates": {
              description: "How many likely duplicates exist (when any): see `/{id}/duplicates`",
              schema: { type: "integer" as const },
            },
          },
          content: doc.jsonContent(Patient),
        },
        400: { description: "Invalid fields", content: doc.jsonContent(doc.FieldErrors) },
        ...doc.idempotentResponses(
          "Email address already exists, or the key's first request is running",
        ),
        ...forbidden,
      },
    }),
    async (c) => {
      const { patient, possibleDuplicates } = await service.create(
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
      audit: { action: "patient.update", patient: { param: "id" } },
      summary: "Replace a patient's details (registeredDate optional; If-Match honoured)",
      roles: PATIENT_ROLES.write,
      request: {
        params: PatientIdParam,
        headers: ifMatch,
        body: { required: true, content: doc.jsonContent(UpdatePatient) },
      },
      responses: {
        200: {
          description: "The updated patient",
          headers: etagged,
          content: doc.jsonContent(Patient),
        },
        ...changeErrors,
      },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      const outcome = await service.update(id, c.req.valid("json"), changeContext(c, true));
      return answerChange(c, outcome);
    },
  );

  app.openapi(
    defineRoute({
      method: "patch",
      path: "/{id}",
      audit: { action: "patient.patch", patient: { param: "id" } },
      summary: "Change some of a patient's details (RFC 7396 merge patch; If-Match honoured)",
      roles: PATIENT_ROLES.write,
      middleware: [requireMergePatch],
      request: {
        params: PatientIdParam,
        headers: ifMatch,
        body: {
          required: true,
          content: { "application/merge-patch+json": { schema: PatchPatient } },
        },
      },
      responses: {
        200: { description: "The patient", headers: etagged, content: doc.jsonContent(Patient) },
        ...changeErrors,
      },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      const patch = c.req.valid("json") as Record<string, unknown>;
      const given = expectedVersions(c);
      // Without If-Match the patch applies to the version it was merged with, merged again if
      // someone else changes the patient in between: a merge never overwrites a change it did
      // not see.
      for (let attempt = 0;; attempt++) {
        const current = await service.get(id);
        if (!current) throw jsonError(404, NOT_FOUND);
        if (given && !given.includes(current.version)) {
          throw jsonError(412, STALE, { ETag: etagOf(current.version) });
        }
        const merged = mergePatch(current, patch);
        const parsed = CreatePatient.safeParse(merged);
        if (!parsed.success) throw jsonError(400, fieldErrors(parsed.error));
        const outcome = await service.update(id, parsed.data, {
          ...changeContext(c),
          expectedVersions: given ?? [current.version],
        });
        if (outcome.outcome !== "stale" || given) return answerChange(c, outcome);
        // Without If-Match the client asked for no precondition, so never 412: each round some
        // concurrent writer wins, and a patient changed this often is a conflict to retry.
        if (attempt >= MAX_MERGE_ATTEMPTS - 1) {
          throw jsonError(409, "Patient is being changed by others; try again", {
            "Retry-After": "1",
          });
        }
      }
    },
  );

  app.openapi(
    defineRoute({
      method: "delete",
      path: "/{id}",
      audit: { action: "patient.delete", patient: { param: "id" } },
      summary: "Delete a patient (kept, hidden, restorable by an ADMIN; If-Match honoured)",
      roles: PATIENT_ROLES.admin,
      request: { params: PatientIdParam, headers: ifMatch },
      responses: {
        204: { description: "Deleted" },
        400: { description: "Malformed id or If-Match", content: doc.jsonContent(doc.Message) },
        ...notFound,
        ...stale,
        ...forbidden,
      },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      const outcome = await service.remove(id, changeContext(c, true));
      if (outcome.outcome !== "changed") answerChange(c, outcome);
      auditCommitted(c);
      return c.body(null, 204);
    },
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/{id}/restore",
      audit: { action: "patient.restore", patient: { param: "id" } },
      summary: "Bring a deleted patient back (ADMIN)",
      roles: PATIENT_ROLES.admin,
      request: { params: PatientIdParam },
      responses: {
        200: {
          description: "The patient, restored",
          headers: etagged,
          content: doc.jsonContent(Patient),
        },
        400: { description: "Malformed id", content: doc.jsonContent(doc.Message) },
        ...notFound,
        409: {
          description: "Not deleted, or its email is taken meanwhile",
          content: doc.jsonContent(doc.Message),
        },
        ...forbidden,
      },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      const outcome = await service.restore(id, changeContext(c));
      return answerChange(c, outcome);
    },
  );

  return app;
}

const MERGEABLE = ["name", "email", "address", "dateOfBirth", "registeredDate"] as const;

/** RFC 7396 on the patient's fields: a value replaces, `null` removes, absent keeps. */
function mergePatch(current: PatientRecord, patch: Record<string, unknown>) {
  const merged: Record<string, unknown> = {};
  for (const field of MERGEABLE) {
    const value = field in patch ? patch[field] : current[field];
    if (value !== null && value !== undefined) merged[field] = value;
  }
  return merged;
}

/** `415` unless the PATCH body is `application/merge-patch+json`. */
const requireMergePatch: MiddlewareHandler<AppEnv> = async function requireMergePatch(c, next) {
  const type = (c.req.header("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/merge-patch+json") {
    throw jsonError(415, "Content-Type must be application/merge-patch+json");
  }
  await next();
};
