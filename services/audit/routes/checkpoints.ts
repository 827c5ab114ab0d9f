import { OpenAPIHono, z } from "@hono/zod-openapi";
import { auditNote } from "@pms/audit";
import { type AppEnv, defineRoute, pagedJson, type Paging, resourceApp } from "@pms/http";
import * as doc from "@pms/http/openapi";
import type { CheckpointPage } from "../store/checkpoint_log.ts";

/** A signed checkpoint as the API returns it. */
export const CheckpointSchema = z.object({
  seq: z.number().int().openapi({ description: "The record whose hash is vouched for" }),
  hash: z.string().openapi({ description: "That record's chain hash" }),
  time: z.string().openapi({ description: "When it was signed (RFC 3339 UTC)" }),
  keyId: z.string().openapi({ description: "RFC 7638 thumbprint of the Ed25519 public key" }),
  signature: z.string().openapi({
    description: "Ed25519 over the RFC 8785 JSON of seq, hash, time and keyId (base64url)",
  }),
}).openapi("AuditCheckpoint");

/** Where the route reads checkpoints. */
export interface CheckpointPages {
  page(page: { page: number; size: number }): CheckpointPage;
}

/** `/audit/checkpoints`: the signed checkpoints kept outside the database, newest first. */
export function checkpointRoutes(
  checkpoints: CheckpointPages,
  paging: Paging,
): OpenAPIHono<AppEnv> {
  const app = resourceApp();
  app.openapi(
    defineRoute({
      method: "get",
      path: "/checkpoints",
      audit: "audit.checkpoints.read",
      summary: "The chain's signed checkpoints, newest first (paged; see X-Total-Count and Link)",
      description: "Every AUDIT_CHECKPOINT_EVERY records, and at the latest " +
        "AUDIT_CHECKPOINT_SECONDS after a record arrived, the service signs the chain's head " +
        "with a key the database never sees and writes it outside the database (topic " +
        "audit.checkpoints, optionally a file). GET /audit/verify holds them against the chain.",
      roles: ["ADMIN", "AUDITOR"],
      request: { query: z.object(doc.pageParams(paging.maxSize, paging.defaultSize)) },
      responses: doc.pagedList(CheckpointSchema, "A page of checkpoints"),
      errors: { 400: "A bad paging value", 403: "Not AUDITOR or ADMIN" },
    }),
    (c) => {
      const query = c.req.valid("query");
      const { page, size } = doc.pageOf(query, paging.defaultSize);
      auditNote(c, { details: { page, size } });
      const path = `${c.req.header("X-Forwarded-Prefix") === "/api" ? "/api" : ""}` +
        "/audit/checkpoints";
      return pagedJson(c, checkpoints.page({ page, size }), { path, page, size });
    },
  );
  return app;
}
