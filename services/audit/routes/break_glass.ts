import { OpenAPIHono, z } from "@hono/zod-openapi";
import { auditChange, auditCommitted, auditNote } from "@pms/audit";
import {
  type AppEnv,
  defineRoute,
  isSafeText,
  jsonError,
  pagedJson,
  validationHook,
} from "@pms/http";
import * as doc from "@pms/http/openapi";
import type { AuditStore } from "../store/audit_store.ts";
import type { BreakGlassStore } from "../store/break_glass_store.ts";
import type { PagingOptions } from "./audit.ts";

// The break-glass review queue row of the role matrix.
const reviewers = ["ADMIN", "AUDITOR"] as const;

const BreakGlassEntrySchema = z.object({
  grantId: z.string(),
  patientId: z.string().nullable(),
  userId: z.string().nullable(),
  reason: z.string().nullable(),
  justification: z.string().nullable(),
  grantedAt: z.string(),
  expiresAt: z.string().nullable(),
  accesses: z.number().int().openapi({ description: "Calls made under the grant" }),
  reviewedBy: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  reviewNote: z.string().nullable(),
}).openapi("BreakGlassReviewEntry");

const GrantParam = z.object({
  grantId: z.guid({ error: "Invalid grant id" }).openapi({
    param: { name: "grantId", in: "path" },
  }),
});

const ReviewBody = z.strictObject({
  note: z.string({ error: "note is required" }).trim()
    .min(1, { error: "note must be 1 to 1000 characters" })
    .max(1000, { error: "note must be 1 to 1000 characters" })
    .refine(isSafeText, { error: "note contains invalid characters" }),
}).openapi("BreakGlassReviewRequest");

/**
 * `/audit/break-glass`: the review queue of break-glass grants, read from the trail, and their
 * reviews, each a new record (`audit.break-glass.review`) appended to the chain — never a change.
 */
export function breakGlassRoutes(
  queue: BreakGlassStore,
  store: AuditStore,
  paging: PagingOptions,
): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  // One review per grant: this service is the chain's one writer, so an in-process queue orders
  // the check and the append of concurrent reviews.
  let reviewing: Promise<unknown> = Promise.resolve();

  app.openapi(
    defineRoute({
      method: "get",
      path: "/break-glass",
      summary: "Break-glass grants, newest first, with their use and review (paged)",
      roles: reviewers,
      audit: "audit.break-glass.read",
      request: {
        query: z.object({
          ...doc.pageParams(paging.maxSize, paging.defaultSize),
          reviewed: z.enum(["true", "false"], { error: "reviewed must be true or false" })
            .optional(),
        }),
      },
      responses: doc.pagedList(BreakGlassEntrySchema, "A page of grants"),
      errors: doc.badFilter,
    }),
    async (c) => {
      const query = c.req.valid("query");
      const { page, size } = doc.pageOf(query, paging.defaultSize);
      const reviewed = query.reviewed === undefined ? undefined : query.reviewed === "true";
      auditNote(c, { details: { page, size, ...(reviewed !== undefined && { reviewed }) } });
      const path = `${c.req.header("X-Forwarded-Prefix") === "/api" ? "/api" : ""}` +
        "/audit/break-glass";
      const filters = reviewed === undefined ? {} : { reviewed: String(reviewed) };
      return pagedJson(c, await queue.page({ reviewed, page, size }), {
        path,
        page,
        size,
        filters,
      });
    },
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/break-glass/{grantId}/review",
      summary: "Review a break-glass grant (a new audit record; a grant is reviewed once)",
      roles: reviewers,
      audit: "audit.break-glass.review",
      request: { params: GrantParam, body: doc.jsonBody(ReviewBody) },
      responses: {
        200: doc.answer("The grant, reviewed", BreakGlassEntrySchema),
        400: doc.invalidFields("note missing or too long"),
      },
      errors: { 404: "Grant not found", 409: "Grant already reviewed" },
    }),
    async (c) => {
      const { grantId } = c.req.valid("param");
      const { note } = c.req.valid("json");
      const turn = reviewing.then(async () => {
        const grant = await queue.find(grantId);
        if (!grant) throw jsonError(404, "Grant not found");
        if (grant.reviewedAt) throw jsonError(409, "Grant already reviewed");
        const record = auditChange(c, {
          patientIds: grant.patientId ? [grant.patientId] : [],
          details: { grantId, note },
        });
        if (record) {
          await store.append([record]);
          auditCommitted(c);
        }
        return { ...grant, reviewedBy: c.get("user").uid, reviewNote: note } as const;
      });
      reviewing = turn.catch(() => {});
      const reviewed = await turn;
      const stored = await queue.find(grantId);
      return c.json(stored ?? { ...reviewed, reviewedAt: new Date().toISOString() }, 200);
    },
  );

  return app;
}
