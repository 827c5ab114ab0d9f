import { z } from "@hono/zod-openapi";
import { ignoringReadOnly, isSafeMultilineText, isSafeText, parseInstant } from "@pms/http";

/** An encounter's kind of visit. */
export const ENCOUNTER_CLASSES = ["AMBULATORY", "VIRTUAL", "HOME"] as const;
/** An encounter's statuses. */
export const ENCOUNTER_STATUSES = ["IN_PROGRESS", "FINISHED", "CANCELLED"] as const;

/** An RFC 3339 instant in a request. */
export const instant = (field: string) =>
  z.string({ error: `${field} must be an RFC 3339 instant` }).refine(
    (s) => parseInstant(s) !== undefined,
    `${field} must be an RFC 3339 instant`,
  );

/** A list's optional `from` and `to` filters, as instants. */
export const periodFilters = { from: instant("from").optional(), to: instant("to").optional() };

/** `POST /encounters`. */
export const CreateEncounter = z.strictObject({
  patientId: z.guid({ error: "patientId must be a patient id" }),
  appointmentId: z.guid({ error: "appointmentId must be an appointment id" }).nullish(),
  class: z.enum(ENCOUNTER_CLASSES, {
    error: `class must be one of ${ENCOUNTER_CLASSES.join(", ")}`,
  }),
  reason: z.string({ error: "reason must be text" }).max(
    255,
    "reason must be at most 255 characters",
  ).refine(isSafeMultilineText, "reason contains invalid characters")
    .nullish(),
}).openapi("CreateEncounter");

/** An encounter. */
export const Encounter = z.object({
  id: z.string(),
  patientId: z.string(),
  appointmentId: z.string().nullable(),
  status: z.enum(ENCOUNTER_STATUSES),
  class: z.enum(ENCOUNTER_CLASSES),
  reason: z.string().nullable(),
  practitionerId: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).openapi("Encounter");
/** An encounter. */
export type Encounter = z.infer<typeof Encounter>;

/**
 * One charge of a finished encounter: money in whole minor units, 1 … 10^12, in `currency` (the
 * billing accounts' `BILLING_CURRENCY`).
 */
export function chargeInput(currency: string) {
  return z.strictObject({
    code: z.string({ error: "code must be 1–20 characters" }).min(1, "code must be 1–20 characters")
      .max(20, "code must be 1–20 characters").refine(
        isSafeText,
        "code contains invalid characters",
      ),
    description: z.string({ error: "description must be 1–255 characters" })
      .min(1, "description must be 1–255 characters").max(
        255,
        "description must be 1–255 characters",
      ).refine(isSafeText, "description contains invalid characters"),
    amount: z.strictObject({
      amount: z.number({ error: "Amount must be a whole number of minor units" })
        .int("Amount must be a whole number of minor units").min(1, "Amount must be at least 1")
        .max(1_000_000_000_000, "Amount cannot exceed 1000000000000"),
      currency: z.string({ error: "Currency is required" }).refine(
        (c) => Intl.supportedValuesOf("currency").includes(c),
        { message: "Currency must be an ISO 4217 code", abort: true },
      ).refine((c) => c === currency, `Currency must be ${currency}`),
    }, { error: "Amount must be money" }),
  }).openapi("EncounterCharge", {
    example: { code: "99213", description: "Office visit", amount: { amount: 12500, currency } },
  });
}
/** One charge of a finished encounter. */
export type ChargeInput = z.infer<ReturnType<typeof chargeInput>>;

/** `POST /encounters/{id}/finish`, its charges in `currency` (`BILLING_CURRENCY`). */
export function finishEncounterInput(currency: string) {
  return z.strictObject({
    charges: z.array(chargeInput(currency), { error: "charges must be a list" })
      .max(20, "charges must hold at most 20 charges").optional(),
  }).openapi("FinishEncounter");
}
/** `POST /encounters/{id}/finish`. */
export type FinishEncounter = z.infer<ReturnType<typeof finishEncounterInput>>;

/** `POST /encounters/{id}/observations`. */
export const CreateObservation = z.strictObject({
  code: z.string({ error: "Unknown observation code" }),
  value: z.number({ error: "value must be a number" }),
  unit: z.string({ error: "unit must be a UCUM unit" }),
  effectiveAt: instant("effectiveAt").optional(),
}).openapi("CreateObservation");

/** An observation. */
export const Observation = z.object({
  id: z.string(),
  encounterId: z.string(),
  patientId: z.string(),
  code: z.string(),
  display: z.string(),
  value: z.number(),
  unit: z.string(),
  effectiveAt: z.string(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).openapi("Observation");
/** An observation. */
export type Observation = z.infer<typeof Observation>;

const field = (name: string) =>
  z.string({ error: `${name} must be text` }).max(
    10_000,
    `${name} must be at most 10000 characters`,
  ).refine(isSafeMultilineText, `${name} contains invalid characters`);

/** `POST /encounters/{id}/notes`. */
export const CreateNote = z.strictObject({
  subjective: field("subjective").default(""),
  objective: field("objective").default(""),
  assessment: field("assessment").default(""),
  plan: field("plan").default(""),
}).openapi("CreateNote");

/**
 * `PATCH /notes/{id}` (merge, RFC 7396: a field set to null is cleared to ""; `id`, `version`,
 * `createdAt`, `updatedAt` ignored).
 */
export const PatchNote = ignoringReadOnly(z.strictObject({
  subjective: field("subjective").nullish(),
  objective: field("objective").nullish(),
  assessment: field("assessment").nullish(),
  plan: field("plan").nullish(),
})).openapi("PatchNote");

/** An addendum of a signed note. */
export const Addendum = z.object({
  id: z.string(),
  text: z.string(),
  authorId: z.string(),
  createdAt: z.string(),
  version: z.number().int().openapi({ description: "Always 1: an addendum never changes" }),
  updatedAt: z.string().openapi({ description: "The same as createdAt" }),
}).openapi("Addendum");

/** `POST /notes/{id}/addenda`. */
export const CreateAddendum = z.strictObject({
  text: z.string({ error: "text must be 1–10000 characters" }).min(
    1,
    "text must be 1–10000 characters",
  )
    .max(10_000, "text must be 1–10000 characters")
    .refine(isSafeMultilineText, "text contains invalid characters"),
}).openapi("CreateAddendum");

/** A clinical note. */
export const Note = z.object({
  id: z.string(),
  encounterId: z.string(),
  patientId: z.string(),
  status: z.enum(["DRAFT", "SIGNED"]),
  subjective: z.string(),
  objective: z.string(),
  assessment: z.string(),
  plan: z.string(),
  authorId: z.string(),
  signedAt: z.string().nullable(),
  signedBy: z.string().nullable(),
  contentHash: z.string().nullable(),
  addenda: z.array(Addendum),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).openapi("Note");
/** A clinical note. */
export type Note = z.infer<typeof Note>;
/** An addendum. */
export type Addendum = z.infer<typeof Addendum>;
