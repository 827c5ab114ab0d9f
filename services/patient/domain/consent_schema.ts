import { z } from "@hono/zod-openapi";

/** The consent scopes. */
export const CONSENT_SCOPES = ["EMAIL", "DATA_SHARING", "RESEARCH"] as const;

/** One of {@linkcode CONSENT_SCOPES}. */
export type ConsentScope = typeof CONSENT_SCOPES[number];

/** The `{id}` and `{scope}` of a consent's path. */
export const ConsentParams = z.object({
  id: z.guid({ error: "Invalid patient id" }).openapi({ param: { name: "id", in: "path" } }),
  scope: z.enum(CONSENT_SCOPES, { error: `scope must be one of ${CONSENT_SCOPES.join(", ")}` })
    .openapi({ param: { name: "scope", in: "path" } }),
});

/** The body of `PUT /patients/{id}/consents/{scope}`. */
export const RecordConsent = z.strictObject({
  status: z.enum(["GRANTED", "DENIED"], { error: "status must be GRANTED or DENIED" }),
}).openapi("RecordConsentRequest");

/** A consent as the API returns it (`UNKNOWN`, version 0, when never recorded). */
export const Consent = z.object({
  scope: z.enum(CONSENT_SCOPES),
  status: z.enum(["GRANTED", "DENIED", "UNKNOWN"]),
  recordedBy: z.string().nullable(),
  recordedAt: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string().nullable().openapi({
    description: "When the scope was first recorded (null while UNKNOWN)",
  }),
  updatedAt: z.string().nullable().openapi({
    description: "When it was last recorded, `recordedAt` (null while UNKNOWN)",
  }),
}).openapi("Consent");

/** A consent. */
export type Consent = z.infer<typeof Consent>;
