import { OpenAPIHono, z } from "@hono/zod-openapi";
import {
  answerChange,
  auditCommitted,
  auditNote,
  callContext,
  changeById,
  disclosedList,
} from "@pms/audit";
import {
  answerVersion,
  type AppEnv,
  defineRoute,
  idempotency,
  type IdempotencyStore,
  type Paging,
  resourceApp,
} from "@pms/http";
import * as doc from "@pms/http/openapi";
import { Addendum, CreateAddendum, Note, PatchNote } from "../domain/clinical_schema.ts";
import type { ClinicalService } from "../domain/clinical_service.ts";
import { CLINICAL_ROLES } from "./_util.ts";

const NoteIdParam = doc.idParam("note");
const etag = doc.etagHeader;

/** `/notes`: read, edit (author only), sign (author only) and add addenda to signed notes. */
export function noteRoutes(
  service: ClinicalService,
  keys: IdempotencyStore,
  paging: Paging,
): OpenAPIHono<AppEnv> {
  const app = resourceApp();
  const list = {
    path: "/notes",
    defaultSize: paging.defaultSize,
    requirePatient: service.requirePatient,
  };

  app.openapi(
    defineRoute({
      method: "get",
      path: "/",
      audit: "note.search",
      summary: "Notes, newest first (paged; X-Total-Count and Link)",
      roles: CLINICAL_ROLES,
      request: {
        query: doc.listQuery({
          patientId: doc.patientIdFilter,
          encounterId: z.guid({ error: "encounterId must be an encounter id" }).optional(),
        }, paging),
      },
      responses: { ...doc.pagedList(doc.orRestricted(Note), "A page of notes") },
      errors: doc.patientFilterErrors,
    }),
    async (c) => {
      const query = c.req.valid("query");
      const filter = { patientId: query.patientId, encounterId: query.encounterId };
      return await disclosedList(c, list, query, (p) => service.listNotes({ ...filter, ...p }));
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/{id}",
      audit: "note.read",
      summary: "A note with its addenda (ETag)",
      roles: CLINICAL_ROLES,
      request: { params: NoteIdParam },
      responses: { 200: doc.answer("The note", Note, etag) },
      errors: { 400: "Malformed id", 404: "Note not found" },
    }),
    async (c) => {
      const note = await service.note(c.req.valid("param").id);
      auditNote(c, { patientIds: [note.patientId], details: { noteId: note.id } });
      return answerVersion(c, note, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "patch",
      path: "/{id}",
      audit: "note.update",
      summary: "Edit a DRAFT note, author only (merge; If-Match honoured)",
      roles: CLINICAL_ROLES,
      request: {
        params: NoteIdParam,
        headers: doc.ifMatchHeaders(),
        body: doc.patchBody(PatchNote),
      },
      responses: {
        200: doc.answer("The note", Note, etag),
        400: doc.invalidFields("Invalid fields, or all four empty"),
      },
      errors: {
        403: "Only the note's author may change it",
        404: "Note not found",
        ...doc.staleVersion,
        409: "Note is signed",
      },
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
      request: { params: NoteIdParam },
      responses: { 200: doc.answer("The note, SIGNED", Note, etag) },
      errors: {
        400: "Malformed id",
        403: "Only the note's author may sign it",
        404: "Note not found",
        409: "Note is signed",
      },
    }),
    async (c) => {
      const note = await service.signNote(c.req.valid("param").id, callContext(c));
      return answerChange(c, note, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/{id}/addenda",
      audit: "note.addendum",
      summary: "Append an addendum to a SIGNED note, whatever the encounter's status " +
        "(Idempotency-Key honoured)",
      roles: CLINICAL_ROLES,
      idempotency: idempotency({ store: keys }),
      request: { params: NoteIdParam, body: doc.jsonBody(CreateAddendum) },
      responses: {
        201: doc.answer("The addendum", Addendum),
        400: doc.invalidFields("text must be 1–10000 characters"),
      },
      errors: { 404: "Note not found", 409: "Note is not signed" },
    }),
    async (c) => {
      const addendum = await service.addAddendum(
        c.req.valid("param").id,
        c.req.valid("json").text,
        callContext(c),
      );
      auditCommitted(c);
      return c.json(addendum, 201);
    },
  );

  return app;
}
