/** The patient an object of an answer belongs to (a lower- or upper-case UUID), or undefined. */
export type PatientOf = (record: Record<string, unknown>) => string | undefined;

const CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";

const referenced = (value: unknown): string | undefined => {
  const reference = (value as { reference?: unknown } | undefined)?.reference;
  return typeof reference === "string" && reference.startsWith("Patient/")
    ? reference.slice("Patient/".length)
    : undefined;
};

/**
 * The patient of a record as the services answer them: a REST record's `patientId`, a FHIR
 * Patient's `id`, or the `Patient/{id}` a FHIR resource's `subject`, `patient` or a participant's
 * `actor` references.
 */
export function patientOfRecord(record: Record<string, unknown>): string | undefined {
  if (typeof record.resourceType === "string") {
    if (record.resourceType === "Patient") {
      return typeof record.id === "string" ? record.id : undefined;
    }
    const participants = Array.isArray(record.participant) ? record.participant : [];
    return referenced(record.subject) ?? referenced(record.patient) ??
      participants.map((p) => referenced((p as { actor?: unknown })?.actor)).find(Boolean);
  }
  return typeof record.patientId === "string" ? record.patientId : undefined;
}

/** A record of a patient the caller may not see, as lists show it. */
function masked(record: Record<string, unknown>, patientId: string): Record<string, unknown> {
  if (typeof record.resourceType === "string") {
    return {
      resourceType: record.resourceType,
      id: record.id,
      meta: { security: [{ system: CONFIDENTIALITY, code: "R", display: "restricted" }] },
    };
  }
  if (typeof record.id === "string") return { id: record.id, restricted: true };
  // A list's entry wrapping the patient (a likely duplicate's `patient`, `score`, `reasons`)
  // keeps only the patient's mask: what it says of the patient (the reasons) is the patient's.
  if (isRecord(record.patient)) return { patient: { id: patientId, restricted: true } };
  return { patientId, restricted: true };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Reads a JSON answer for the patients its records belong to; `apply` then answers with what the
 * caller may see. A record reached without passing through a list is the answer's subject: one of
 * a hidden patient refuses the whole answer (`refused`). A record inside a list (a page, a search
 * Bundle's entries, a group's members) of a hidden patient is replaced by its mask — `{"id",
 * "restricted":true}`, `{"patientId","restricted":true}` without an id, or a FHIR resource with
 * only its `id` and `meta.security` `R` — so that lists keep their length and totals stay true.
 */
export function maskRestricted(body: unknown, patientOf: PatientOf = patientOfRecord): {
  /** Every patient the answer holds a record of (lower case). */
  patientIds: string[];
  /** The answer for a caller to whom `hidden` are restricted; `body` undefined if unchanged. */
  apply(hidden: Set<string>): { refused: boolean; body?: unknown };
} {
  const found = new Set<string>();
  const subjects = new Set<string>();
  const visit = (value: unknown, subject: boolean): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, false);
      return;
    }
    if (!isRecord(value)) return;
    const id = patientOf(value)?.toLowerCase();
    if (id) {
      found.add(id);
      if (subject) subjects.add(id);
    }
    for (const key in value) visit(value[key], subject);
  };
  visit(body, true);
  const rewrite = (value: unknown, hidden: Set<string>): unknown => {
    if (Array.isArray(value)) return value.map((item) => rewrite(item, hidden));
    if (!isRecord(value)) return value;
    const id = patientOf(value)?.toLowerCase();
    if (id && hidden.has(id)) return masked(value, id);
    const copy: Record<string, unknown> = {};
    for (const key in value) copy[key] = rewrite(value[key], hidden);
    return copy;
  };
  return {
    patientIds: [...found],
    apply(hidden) {
      if ([...subjects].some((id) => hidden.has(id))) return { refused: true };
      if (![...found].some((id) => hidden.has(id))) return { refused: false };
      return { refused: false, body: rewrite(body, hidden) };
    },
  };
}
