import { OpenAPIHono, z } from "@hono/zod-openapi";
import { auditChange, auditCommitted, auditNote } from "@pms/audit";
import {
  type AppEnv,
  defineRoute,
  jsonError,
  pagedJson,
  type Paging,
  resourceApp,
} from "@pms/http";
import * as doc from "@pms/http/openapi";
import type { AuditStore } from "../store/audit_store.ts";
import { BreakGlassEntrySchema, GrantParam, ReviewBody } from "../domain/break_glass_schema.ts";
import type { BreakGlassStore } from "../store/break_glass_store.ts";

// The break-glass review queue row of the role matrix.
const reviewers = ["ADMIN", "AUDITOR"] as const;

/** Options for {@linkcode breakGlassRoutes}. */
export interface BreakGlassRoutesOptions {
  /** How long a review waits for a grant this trail does not hold yet (default 5000 ms). */
  grantWaitMs?: number;
  /** How often it looks for it meanwhile (default 100 ms). */
  grantPollMs?: number;
}

/**
 * `/audit/break-glass`: the review queue of break-glass grants, read from the trail, and their
 * reviews, each a new record (`audit.break-glass.review`) appended to the chain — never a change.
 */
export function breakGlassRoutes(
  queue: BreakGlassStore,
  /** Where a review's record is appended to the chain. */
  store: Pick<AuditStore, "append">,
  paging: Paging,
  options: BreakGlassRoutesOptions = {},
): OpenAPIHono<AppEnv> {
  const app = resourceApp();
  const waitMs = options.grantWaitMs ?? 5_000;
  const pollMs = options.grantPollMs ?? 100;
  // A grant is recorded by the patient service and reaches this trail through Kafka moments
  // after its `201`: a review asked for at once waits for it, looking every `pollMs` for at most
  // `waitMs` (a grant id nobody made answers 404 after that wait), rather than refusing a
  // grant its reviewer has just been shown.
  const arrived = async (grantId: string): Promise<void> => {
    const until = Date.now() + waitMs;
    while (!await queue.find(grantId) && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, until - Date.now())));
    }
  };
  // One review per grant: this service is the chain's one writer, so an in-process queue orders
  // the check and the append of concurrent reviews.
  let reviewing: Promise<unknown> = Promise.resolve();

  app.openapi(
    defineRoute({
      method: "get",
      path: "/break-glass",
      audit: "audit.break-glass.read",
      summary: "Break-glass grants, newest first, with their use and review (paged)",
      roles: reviewers,
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
      audit: "audit.break-glass.review",
      summary: "Review a break-glass grant (a new audit record; a grant is reviewed once)",
      roles: reviewers,
      request: { params: GrantParam, body: doc.jsonBody(ReviewBody) },
      responses: {
        200: doc.answer("The grant, reviewed", BreakGlassEntrySchema),
        400: doc.invalidFields("note missing or too long"),
      },
      errors: {
        404: "Grant not found (a grant made moments ago is waited for a few seconds first)",
        409: "Grant already reviewed",
      },
    }),
    async (c) => {
      const { grantId } = c.req.valid("param");
      const { note } = c.req.valid("json");
      await arrived(grantId);
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
        return { ...grant, reviewedBy: c.get("user").uid, reviewNote: note, version: 2 } as const;
      });
      reviewing = turn.catch(() => {});
      const reviewed = await turn;
      const stored = await queue.find(grantId);
      const now = new Date().toISOString();
      return c.json(stored ?? { ...reviewed, reviewedAt: now, updatedAt: now }, 200);
    },
  );

  return app;
}
