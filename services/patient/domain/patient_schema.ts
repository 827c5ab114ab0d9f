import { idParam, RestrictedRecord } from "@pms/http/openapi";
import { z } from "@hono/zod-openapi";
import { isSafeText } from "@pms/http";
import { isCalendarDate, today } from "./dates.ts";

/** The reference system's validation messages, word for word, and ours for what it lacked. */
export const MESSAGES = {
  nameRequired: "Name is required",
  nameTooLong: "Name cannot exceed 100 characters",
  nameInvalid: "Name contains invalid characters",
  emailRequired: "Email is required",
  emailInvalid: "Email should be valid",
  addressRequired: "Address is required",
  addressTooLong: "Address cannot exceed 255 characters",
  addressInvalid: "Address contains invalid characters",
  dateOfBirthRequired: "Date of birth is required",
  dateOfBirthInvalid: "Date of birth must be a valid date (YYYY-MM-DD)",
  dateOfBirthFuture: "Date of birth cannot be in the future",
  registeredDateRequired: "Registered date is required",
  registeredDateInvalid: "Registered date must be a valid date (YYYY-MM-DD)",
  registeredDateFuture: "Registered date cannot be in the future",
  registeredDateBeforeBirth: "Registered date cannot be before the date of birth",
} as const;

/** True when the text is safe to store and show (see `isSafeText`). */
export const isStorableText: (value: string) => boolean = isSafeText;

/** A required string: missing, null, empty or blank all give `required`. */
function text(required: string, wrongType: string) {
  return z.string({ error: (issue) => issue.input == null ? required : wrongType })
    .trim().min(1, required);
}

function date(required: string, invalid: string) {
  return text(required, invalid).refine((value) => value === "" || isCalendarDate(value), invalid);
}

const name = text(MESSAGES.nameRequired, "Name must be a string").max(100, MESSAGES.nameTooLong)
  .refine(isStorableText, MESSAGES.nameInvalid);
const email = text(MESSAGES.emailRequired, MESSAGES.emailInvalid)
  .max(254, MESSAGES.emailInvalid).email(MESSAGES.emailInvalid);
const address = text(MESSAGES.addressRequired, "Address must be a string")
  .max(255, MESSAGES.addressTooLong).refine(isStorableText, MESSAGES.addressInvalid);
const dateOfBirth = date(MESSAGES.dateOfBirthRequired, MESSAGES.dateOfBirthInvalid)
  .refine((value) => !isCalendarDate(value) || value <= today(), MESSAGES.dateOfBirthFuture);
const registeredDate = date(MESSAGES.registeredDateRequired, MESSAGES.registeredDateInvalid)
  .refine((value) => !isCalendarDate(value) || value <= today(), MESSAGES.registeredDateFuture);

/** A registration cannot precede the birth it registers (checked when both dates are valid). */
function registeredAfterBirth(
  body: { dateOfBirth: string; registeredDate?: string | undefined },
  ctx: z.RefinementCtx,
) {
  const { dateOfBirth, registeredDate } = body;
  if (
    registeredDate && isCalendarDate(registeredDate) && isCalendarDate(dateOfBirth) &&
    dateOfBirth <= today() && registeredDate < dateOfBirth
  ) {
    ctx.addIssue({
      code: "custom",
      path: ["registeredDate"],
      message: MESSAGES.registeredDateBeforeBirth,
    });
  }
}

// Reference clients send the id back on PUT: it is accepted and ignored, never used; so are the
// version and updatedAt a client read (the version to check goes in If-Match).
const ignoredId = z.unknown().optional();

/** The body of `POST /patients`. Unknown fields are refused. */
export const CreatePatient = z.strictObject({
  id: ignoredId,
  name: name.openapi({ example: "Ada Lovelace" }),
  email: email.openapi({ example: "ada@example.com" }),
  address: address.openapi({ example: "12 St James's Square, London" }),
  dateOfBirth: dateOfBirth.openapi({ format: "date", example: "1985-12-10" }),
  registeredDate: registeredDate.openapi({ format: "date", example: "2024-11-01" }),
}).superRefine(registeredAfterBirth).openapi("CreatePatientRequest");

/** The body of `PUT /patients/{id}`: as for create, but `registeredDate` may be left out. */
export const UpdatePatient = z.strictObject({
  id: ignoredId,
  version: ignoredId,
  updatedAt: ignoredId,
  name,
  email,
  address,
  dateOfBirth: dateOfBirth.openapi({ format: "date" }),
  registeredDate: registeredDate.optional().openapi({ format: "date" }),
}).superRefine(registeredAfterBirth).openapi("UpdatePatientRequest");

/** A patient as the API returns it. */
export const Patient = z.object({
  id: z.string().openapi({ example: "123e4567-e89b-12d3-a456-426614174000" }),
  name: z.string(),
  email: z.string(),
  address: z.string(),
  dateOfBirth: z.string().openapi({ format: "date", example: "1985-06-15" }),
  registeredDate: z.string().openapi({ format: "date", example: "2024-01-10" }),
  version: z.number().int().openapi({ description: "From 1, +1 per change; the ETag" }),
  updatedAt: z.string().openapi({ format: "date-time" }),
}).openapi("Patient");

/**
 * A likely duplicate of a patient, as `GET /patients/{id}/duplicates` lists it; one restricted to
 * the caller is its patient's mask alone (its score and reasons say what it shares).
 */
export const DuplicateCandidate = z.union([
  z.object({
    patient: Patient,
    score: z.number().min(0).max(1).openapi({
      description: "0–1; the same name and birth date ≥ 0.9",
    }),
    reasons: z.array(z.enum(["SAME_DATE_OF_BIRTH", "SAME_NAME", "SIMILAR_NAME", "SAME_ADDRESS"])),
  }),
  z.object({ patient: RestrictedRecord }),
]).openapi("DuplicateCandidate");

/** A deleted patient, as `GET /patients/deleted` lists it. */
export const DeletedPatient = Patient.extend({
  deletedAt: z.string().openapi({ format: "date-time" }),
  deletedBy: z.string().openapi({ description: "The email of the user who deleted it" }),
}).openapi("DeletedPatient");

/** One version of a patient. */
export const HistoryEntry = z.object({
  version: z.number().int(),
  changedAt: z.string().openapi({ format: "date-time" }),
  changedBy: z.string().openapi({ description: "The user's email, or system" }),
  change: z.enum([
    "CREATED",
    "UPDATED",
    "DELETED",
    "RESTORED",
    "MERGED",
    "MERGED_INTO",
    "UNMERGED",
  ]),
  patient: Patient,
}).openapi("PatientHistoryEntry");

/**
 * The body of `PATCH /patients/{id}` (RFC 7396 merge patch): the fields to change. Each given field
 * is checked as a PUT checks it before the patient is read, so a bad patch is `400` before a `404`
 * or `412` (the contract's order); `null` removes a field, so it is "… is required". The merged
 * patient is checked again as a whole (a registration before the birth it registers).
 */
export const PatchPatient = z.strictObject({
  id: ignoredId,
  version: ignoredId,
  updatedAt: ignoredId,
  name: name.optional().openapi({ example: "Ada King" }),
  email: email.optional(),
  address: address.optional(),
  dateOfBirth: dateOfBirth.optional().openapi({ format: "date" }),
  registeredDate: registeredDate.optional().openapi({ format: "date" }),
}).openapi("PatchPatientRequest");

/** The `{id}` path parameter. */
export const PatientIdParam = idParam("patient");

/** Create input after validation. */
export type CreatePatientInput = z.infer<typeof CreatePatient>;
/** Update input after validation. */
export type UpdatePatientInput = z.infer<typeof UpdatePatient>;
