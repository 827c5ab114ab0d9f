import { z } from "@hono/zod-openapi";
import { isSafeMultilineText } from "@pms/http";

/** The reasons a break-glass grant may give. */
export const BREAK_GLASS_REASONS = ["EMERGENCY", "PATIENT_SAFETY", "LEGAL", "OTHER"] as const;

/** The body of `PUT /patients/{id}/restriction`. */
export const SetRestriction = z.strictObject({
  // User ids are UUIDs (as tokens carry them in `uid`), kept in lower case.
  allowedUserIds: z.array(
    z.guid({ error: "allowedUserIds must be user ids" }).toLowerCase(),
    { error: "allowedUserIds is required" },
  ).min(1, { error: "allowedUserIds must list 1 to 50 users" })
    .max(50, { error: "allowedUserIds must list 1 to 50 users" }),
  reason: z.string({ error: "reason is required" }).trim()
    .min(1, { error: "reason must be 1 to 255 characters" })
    .max(255, { error: "reason must be 1 to 255 characters" })
    .refine(isSafeMultilineText, { error: "reason contains invalid characters" }),
}).openapi("SetRestrictionRequest");

/** A restriction as the API returns it. */
export const Restriction = z.object({
  patientId: z.string(),
  allowedUserIds: z.array(z.string()),
  reason: z.string(),
  setBy: z.string().openapi({ description: "The user id of the ADMIN who set it" }),
  setAt: z.string(),
  version: z.number().int().openapi({
    description: "1 when first set, +1 each time it is set again (also after a clear)",
  }),
  createdAt: z.string().openapi({ description: "When it was first set" }),
  updatedAt: z.string().openapi({ description: "When it was last set (`setAt`)" }),
}).openapi("Restriction");

/** A restriction. */
export type Restriction = z.infer<typeof Restriction>;

/** The body of `POST /patients/{id}/break-glass`. */
export const BreakGlassRequest = z.strictObject({
  reason: z.enum(BREAK_GLASS_REASONS, {
    error: `reason must be one of ${BREAK_GLASS_REASONS.join(", ")}`,
  }),
  justification: z.string({ error: "justification is required" }).trim()
    .min(20, { error: "justification must be 20 to 1000 characters" })
    .max(1000, { error: "justification must be 20 to 1000 characters" })
    .refine(isSafeMultilineText, { error: "justification contains invalid characters" }),
}).openapi("BreakGlassRequest");

/** A break-glass grant as the API returns it. */
export const BreakGlassGrant = z.object({
  grantId: z.string(),
  patientId: z.string(),
  userId: z.string(),
  reason: z.enum(BREAK_GLASS_REASONS),
  expiresAt: z.string(),
  version: z.number().int().openapi({
    description: "Always 1: a grant never changes (its review is a new audit record)",
  }),
  createdAt: z.string().openapi({ description: "When it was granted" }),
  updatedAt: z.string().openapi({ description: "The same as createdAt" }),
}).openapi("BreakGlassGrant");

/** A break-glass grant. */
export type BreakGlassGrant = z.infer<typeof BreakGlassGrant>;
