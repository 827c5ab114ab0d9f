import { OpenAPIHono, z } from "@hono/zod-openapi";
import { auditNote } from "@pms/audit";
import {
  type AppEnv,
  defineRoute,
  isSafeText,
  jsonError,
  pagedJson,
  type Paging,
  parseDay,
  parseInstant,
  resourceApp,
  unaudited,
} from "@pms/http";
import * as doc from "@pms/http/openapi";
import type { Context } from "hono";
import { AuditRecordSchema } from "../domain/audit_record_schema.ts";
import type { CheckpointEvidence } from "../domain/checkpoint_evidence.ts";
import type { AuditFilter, AuditStore } from "../store/audit_store.ts";

// The audit row of the role matrix.
const auditors = ["ADMIN", "AUDITOR"] as const;
const FORBIDDEN = "Not AUDITOR or ADMIN";

const time = (name: string) =>
  z.string().refine(
    (s) => parseInstant(s) !== undefined || parseDay(s) !== undefined,
    `${name} must be an RFC 3339 time or a date`,
  ).optional();

function pagingQuery(paging: Paging) {
  return {
    ...doc.pageParams(paging.maxSize, paging.defaultSize),
    from: time("from").openapi({ description: "Inclusive" }),
    to: time("to").openapi({ description: "Exclusive" }),
  };
}

/**
 * `/audit`: search, a patient's disclosures, chain verification (held against the signed
 * checkpoints kept outside the database); no writes (`405`).
 */
export function auditRoutes(
  store: AuditStore,
  paging: Paging,
  checkpoints: CheckpointEvidence,
): OpenAPIHono<AppEnv> {
  const app = resourceApp();
  const base = (c: Context<AppEnv>) =>
    `${c.req.header("X-Forwarded-Prefix") === "/api" ? "/api" : ""}/audit`;

  app.openapi(
    defineRoute({
      method: "get",
      path: "/",
      // Reading the trail is itself recorded.
      audit: { action: "audit.read", patient: { query: "patientId" } },
      summary: "Search the audit trail, newest first (paged; see X-Total-Count and Link)",
      roles: auditors,
      request: {
        query: z.object({
          patientId: z.guid({ error: "patientId must be a UUID" }).optional(),
          actor: z.string().trim().min(1, "actor must not be empty").max(320)
            .refine(isSafeText, "actor contains invalid characters").optional()
            .openapi({ description: "A user id or an email" }),
          action: z.string().regex(
            /^(?:[a-z][a-z.-]{0,62}[a-z]|[a-z][a-z.-]{0,62}\*|\*)$/,
            "action must be an action or a prefix ending in *",
          ).optional().openapi({ example: "patient.*" }),
          outcome: z.enum(["SUCCESS", "DENIED", "FAILED"], {
            error: "outcome must be SUCCESS, DENIED or FAILED",
          }).optional(),
          ...pagingQuery(paging),
        }),
      },
      responses: doc.pagedList(AuditRecordSchema, "A page of records"),
      errors: { ...doc.badFilter, 403: FORBIDDEN },
    }),
    async (c) => {
      const { page: _p, size: _s, ...filters } = c.req.valid("query");
      const { page, size } = doc.pageOf(c.req.valid("query"), paging.defaultSize);
      auditNote(c, { details: { ...filters, page, size } });
      const result = await store.list(filters as AuditFilter, { page, size });
      return pagedJson(c, result, { path: base(c), page, size, filters });
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/patients/{id}/disclosures",
      audit: { action: "audit.disclosures", patient: { param: "id" } },
      summary: "A patient's accounting of disclosures: SUCCESS records naming the patient",
      roles: auditors,
      request: {
        params: z.object({ id: z.guid({ error: "id must be a UUID" }) }),
        query: z.object(pagingQuery(paging)),
      },
      responses: doc.pagedList(AuditRecordSchema, "A page of records"),
      errors: { ...doc.badFilter, 403: FORBIDDEN },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const { from, to, ...rest } = c.req.valid("query");
      const { page, size } = doc.pageOf(rest, paging.defaultSize);
      auditNote(c, { details: { from, to, page, size } });
      const result = await store.list({ disclosuresOf: id, from, to }, { page, size });
      return pagedJson(c, result, {
        path: `${base(c)}/patients/${id}/disclosures`,
        page,
        size,
        filters: { from, to },
      });
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/verify",
      audit: "audit.verify",
      summary: "Recompute the hash chain; names the first record that does not match",
      description: "ok is false when a record's hash does not follow from its predecessor " +
        "(firstBadId) or when a signed checkpoint kept outside the database does not hold: its " +
        "record is gone (the newest records were deleted), the stored hash at its seq differs " +
        "(the chain was rewritten) or its signature fails (checkpoints.firstBadSeq).",
      roles: auditors,
      responses: {
        200: {
          description: "The chain's state",
          content: doc.jsonContent(z.object({
            ok: z.boolean(),
            records: z.number().int(),
            lastHash: z.string().nullable(),
            firstBadId: z.guid().optional(),
            checkpoints: z.object({
              checked: z.number().int(),
              ok: z.boolean(),
              firstBadSeq: z.number().int().optional(),
            }),
          })),
        },
      },
      errors: { 403: FORBIDDEN },
    }),
    async (c) => {
      const [chain, held] = await Promise.all([store.verify(), checkpoints.check()]);
      const report = { ...chain, ok: chain.ok && held.ok, checkpoints: held };
      auditNote(c, { details: { ok: report.ok, records: report.records } });
      return c.json(report, 200);
    },
  );

  // Append-only: the trail has no write API.
  app.on(["POST", "PUT", "PATCH", "DELETE"], ["/", "/*"], unaudited("refused: no write"), () => {
    throw jsonError(405, "The audit trail is append-only", { Allow: "GET" });
  });
  return app;
}
