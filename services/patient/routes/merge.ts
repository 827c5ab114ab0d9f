import { OpenAPIHono, z } from "@hono/zod-openapi";
import { auditChange, auditCommitted } from "@pms/audit";
import {
  type AppEnv,
  defineRoute,
  etagOf,
  expectedVersions,
  isSafeMultilineText,
  resourceApp,
} from "@pms/http";
import * as doc from "@pms/http/openapi";
import type { MergeService } from "../domain/merge_service.ts";
import { MERGE_FIELDS } from "../domain/merge_fields.ts";
import { Patient, PatientIdParam } from "../domain/patient_schema.ts";
import { PATIENT_ROLES } from "./_util.ts";

const MergeBody = z.strictObject({
  sourceId: z.guid({ error: "sourceId must be a patient id" }),
  reason: z.string({ error: "reason is required" }).trim()
    .min(1, "reason must be 1-255 characters").max(255, "reason must be 1-255 characters")
    .refine(isSafeMultilineText, "reason contains invalid characters"),
  fields: z.strictObject(
    Object.fromEntries(
      MERGE_FIELDS.map((f) => [f, z.enum(["source", "target"]).optional()]),
    ) as Record<
      typeof MERGE_FIELDS[number],
      z.ZodOptional<z.ZodEnum<{ source: "source"; target: "target" }>>
    >,
    { error: `fields names fields (${MERGE_FIELDS.join(", ")}) with "source" or "target"` },
  ).optional().openapi({ description: "Per field, whose value the target keeps (default target)" }),
}).openapi("MergeRequest");

const MergeAnswer = z.object({
  patient: Patient,
  sourceId: z.string(),
  moved: z.object({ groups: z.number().int() }),
}).openapi("MergeResult");

const UnmergeAnswer = z.object({ patient: Patient, targetId: z.string() }).openapi(
  "UnmergeResult",
);

const PreviewQuery = z.object({
  // A bare `?preview` is a flag, as `true`.
  preview: z.enum(["true", "false", ""], { error: "preview must be true or false" }).optional()
    .openapi({
      description: "`true` (or a bare `?preview`): answer what the merge would do, change nothing",
    }),
});

const PairParams = z.object({
  id: z.guid({ error: "Invalid patient id" }).openapi({ param: { name: "id", in: "path" } }),
  otherId: z.guid({ error: "Invalid patient id" }).openapi({
    param: { name: "otherId", in: "path" },
  }),
});

/** `/patients/{id}/merge`, `/patients/{id}/unmerge`, `/patients/{id}/duplicates/{otherId}/dismiss`. */
export function mergeRoutes(merges: MergeService): OpenAPIHono<AppEnv> {
  const app = resourceApp();

  app.openapi(
    defineRoute({
      method: "post",
      path: "/{id}/merge",
      audit: { action: "patient.merge", patient: { param: "id", also: [{ body: "sourceId" }] } },
      summary: "Merge another patient (sourceId) into this one (ADMIN; If-Match on this one)",
      description: "One transaction: this patient takes the chosen fields (history `MERGED`), " +
        "the source is marked merged (`GET` answers 410 with `mergedInto`, lists and lookups no " +
        "longer show it, FHIR links both), its group memberships move here. `PATIENT_MERGED` " +
        "lets billing, scheduling and clinical move the source's records here.",
      roles: PATIENT_ROLES.admin,
      request: {
        params: PatientIdParam,
        query: PreviewQuery,
        headers: doc.ifMatchHeaders(),
        body: doc.jsonBody(MergeBody),
      },
      responses: {
        200: doc.answer("The target after the merge (or as it would be)", MergeAnswer),
        400: doc.invalidFields("Invalid fields, or the same patient on both sides"),
      },
      errors: {
        403: "The role may not do this, or either patient is restricted to others " +
          '(`{"message":"Record is restricted","breakGlass":true}`)',
        404: "Patient not found",
        409: "Patient was merged (either side), or the email is taken",
        412: "If-Match names another version of the target",
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const flag = c.req.valid("query").preview;
      const preview = flag === "true" || flag === "";
      const result = await merges.merge({
        targetId: c.req.valid("param").id,
        sourceId: body.sourceId,
        reason: body.reason,
        fields: body.fields,
        preview,
      }, {
        actor: c.get("user").sub,
        traceparent: c.get("traceparent"),
        expectedVersions: expectedVersions(c),
        audit: auditChange(c),
      });
      if (result.changed) auditCommitted(c);
      if (result.changed) c.header("ETag", etagOf(result.patient.version));
      const { patient, sourceId, moved } = result;
      return c.json({ patient, sourceId, moved }, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/{id}/unmerge",
      audit: { action: "patient.unmerge", patient: { param: "id" } },
      summary: "Undo the merge of this (source) patient (ADMIN; within MERGE_UNDO_DAYS)",
      description: "Both patients as before the merge, memberships back, `PATIENT_UNMERGED` " +
        "(billing, scheduling and clinical move back what they moved); only while neither " +
        "patient changed since the merge.",
      roles: PATIENT_ROLES.admin,
      request: { params: PatientIdParam },
      responses: { 200: doc.answer("The source again, and the target", UnmergeAnswer) },
      errors: {
        400: "Malformed id",
        403: "The role may not do this, or either patient is restricted to others " +
          '(`{"message":"Record is restricted","breakGlass":true}`)',
        404: "Patient not found",
        409: "Not merged, too old, or a patient changed since the merge",
      },
    }),
    async (c) => {
      const result = await merges.unmerge(c.req.valid("param").id, {
        actor: c.get("user").sub,
        traceparent: c.get("traceparent"),
        audit: auditChange(c),
      });
      auditCommitted(c);
      c.header("ETag", etagOf(result.patient.version));
      return c.json(result, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/{id}/duplicates/{otherId}/dismiss",
      audit: {
        action: "patient.duplicates.dismiss",
        patient: { param: "id", also: [{ param: "otherId" }] },
      },
      summary: "Two patients are not the same person: never list them as duplicates again",
      roles: PATIENT_ROLES.admin,
      request: { params: PairParams },
      responses: { 204: { description: "Dismissed (again is fine)" } },
      errors: {
        400: "Malformed id, or the same patient twice",
        403: "The role may not do this, or either patient is restricted to others " +
          '(`{"message":"Record is restricted","breakGlass":true}`)',
        404: "Patient not found",
      },
    }),
    async (c) => {
      const { id, otherId } = c.req.valid("param");
      await merges.dismiss(id, otherId, c.get("user").sub);
      return c.body(null, 204);
    },
  );

  return app;
}
