import type { NewPatient } from "./patient_record.ts";

/** The patient fields a merge chooses between. */
export const MERGE_FIELDS = [
  "name",
  "email",
  "address",
  "dateOfBirth",
  "registeredDate",
] as const;

/** Per field, whose value the target keeps (absent: the target's). */
export type FieldChoice = Partial<Record<typeof MERGE_FIELDS[number], "source" | "target">>;

/** The target's fields after a merge: each field from the side `choice` names. */
export function chooseFields(
  target: NewPatient,
  source: NewPatient,
  choice: FieldChoice,
): NewPatient {
  const chosen = { ...target };
  for (const field of MERGE_FIELDS) {
    if (choice[field] === "source") chosen[field] = source[field];
  }
  return chosen;
}
