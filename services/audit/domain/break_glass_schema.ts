import { z } from "@hono/zod-openapi";
import { isSafeMultilineText } from "@pms/http";

/** A break-glass grant in the review queue, with the calls made under it and its review. */
export const BreakGlassEntrySchema = z.object({
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
  version: z.number().int().openapi({ description: "1, then 2 once reviewed" }),
  createdAt: z.string().openapi({ description: "When it was granted" }),
  updatedAt: z.string().openapi({ description: "When it was reviewed, else when granted" }),
}).openapi("BreakGlassReviewEntry");

/** The `{grantId}` path parameter. */
export const GrantParam = z.object({
  grantId: z.guid({ error: "Invalid grant id" }).openapi({
    param: { name: "grantId", in: "path" },
  }),
});

/** A review's body: the reviewer's note. */
export const ReviewBody = z.strictObject({
  note: z.string({ error: "note is required" }).trim()
    .min(1, { error: "note must be 1 to 1000 characters" })
    .max(1000, { error: "note must be 1 to 1000 characters" })
    .refine(isSafeMultilineText, { error: "note contains invalid characters" }),
}).openapi("BreakGlassReviewRequest");
