import { OpenAPIHono, z } from "@hono/zod-openapi";
import { answerChange, callContext, changeById } from "@pms/audit";
import type { MiddlewareHandler } from "hono";
import { type AppEnv, defineRoute, recordRoutes, resourceApp } from "@pms/http";
import { isUuid } from "@pms/ids";
import * as doc from "@pms/http/openapi";
import type { ClinicalRoutesDeps } from "../app.ts";
import { Addendum, CreateAddendum, Note, PatchNote } from "../domain/clinical_schema.ts";
import { CLINICAL_ROLES, clinicalList, readRecord, stepRecord } from "./_util.ts";

/**
 * Refuses an edit of a note to anyone but its author before its body is read, so that a caller
 * who may not edit it is answered `403` whatever the body (401 → 403 → 400). An unknown or
 * malformed id is left to the route (`400`, `404`).
 */
function authorOnly(service: ClinicalRoutesDeps["service"]): MiddlewareHandler<AppEnv> {
  return async function authorOnly(c, next) {
    const id = c.req.param("id");
    if (isUuid(id)) await service.requireAuthor(id, c.get("user")?.uid);
    await next();
  };
}

/** `/notes`: read, edit (author only), sign (author only) and add addenda to signed notes. */
export function noteRoutes(deps: ClinicalRoutesDeps): OpenAPIHono<AppEnv> {
  const { service, keys, paging } = deps;
  const app = resourceApp();
  const answerList = clinicalList("/notes", deps);
  const notes = recordRoutes({ noun: "note", schema: Note, roles: CLINICAL_ROLES, keys });

  app.openapi(
    notes.search("Notes, newest first (paged; X-Total-Count and Link)", {
      encounterId: z.guid({ error: "encounterId must be an encounter id" }).optional(),
    }, paging),
    async (c) => {
      const query = c.req.valid("query");
      const filter = { patientId: query.patientId, encounterId: query.encounterId };
      return await answerList(c, query, (p) => service.listNotes({ ...filter, ...p }));
    },
  );

  app.openapi(
    notes.read("A note with its addenda (ETag)"),
    (c) => readRecord(c, service.note, "noteId"),
  );

  app.openapi(
    notes.patch({
      summary: "Edit a DRAFT note, author only (merge; If-Match honoured)",
      body: PatchNote,
      invalid: "Invalid fields, or all four empty",
      errors: { 403: "Only the note's author may change it", 409: "Note is signed" },
      middleware: [authorOnly(service)],
    }),
    (c) => changeById(c, service.patchNote, 200),
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/{id}/sign",
      audit: "note.sign",
      summary: "Sign a DRAFT note, author only: stores the SHA-256 of its RFC 8785 JSON",
      roles: CLINICAL_ROLES,
      request: { params: notes.params },
      responses: { 200: doc.answer("The note, SIGNED", Note, doc.etagHeader) },
      errors: {
        400: "Malformed id",
        403: "Only the note's author may sign it",
        404: notes.notFound,
        409: "Note is signed",
      },
    }),
    (c) => stepRecord(c, service.signNote),
  );

  app.openapi(
    notes.add({
      under: "addenda",
      audit: "note.addendum",
      summary: "Append an addendum to a SIGNED note, whatever the encounter's status " +
        "(Idempotency-Key honoured)",
      body: CreateAddendum,
      created: doc.answer("The addendum", Addendum, doc.etagHeader),
      invalid: "text must be 1–10000 characters",
      conflict: "Note is not signed",
    }),
    async (c) => {
      const { text } = c.req.valid("json");
      const addendum = await service.addAddendum(c.req.valid("param").id, text, callContext(c));
      // A record of its own (version 1, never changed): its ETag like every Part 3 record's.
      return answerChange(c, addendum, 201);
    },
  );

  return app;
}
