import type { Encounter, Observation } from "../domain/clinical_schema.ts";

const meta = (r: { version: number; updatedAt: string }) => ({
  versionId: String(r.version),
  lastUpdated: r.updatedAt,
});

/** The HL7 v3 ActCode of each encounter class. */
const CLASS_CODES = {
  AMBULATORY: { code: "AMB", display: "ambulatory" },
  VIRTUAL: { code: "VR", display: "virtual" },
  HOME: { code: "HH", display: "home health" },
} as const;

/** FHIR `Encounter.status` of each encounter status. */
export const FHIR_ENCOUNTER_STATUS = {
  IN_PROGRESS: "in-progress",
  FINISHED: "finished",
  CANCELLED: "cancelled",
} as const;

/** An encounter as a FHIR R4 Encounter. */
export function toFhirEncounter(e: Encounter) {
  return {
    resourceType: "Encounter",
    id: e.id,
    meta: meta(e),
    status: FHIR_ENCOUNTER_STATUS[e.status],
    class: { system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", ...CLASS_CODES[e.class] },
    subject: { reference: `Patient/${e.patientId}` },
    participant: [{ individual: { reference: `Practitioner/${e.practitionerId}` } }],
    ...(e.appointmentId && { appointment: [{ reference: `Appointment/${e.appointmentId}` }] }),
    period: { start: e.startedAt, ...(e.endedAt && { end: e.endedAt }) },
    ...(e.reason && { reasonCode: [{ text: e.reason }] }),
  };
}

/** A vital sign as a FHIR R4 Observation (category `vital-signs`, LOINC code, UCUM quantity). */
export function toFhirObservation(o: Observation) {
  return {
    resourceType: "Observation",
    id: o.id,
    meta: meta(o),
    status: "final",
    category: [{
      coding: [{
        system: "http://terminology.hl7.org/CodeSystem/observation-category",
        code: "vital-signs",
        display: "Vital Signs",
      }],
    }],
    code: { coding: [{ system: "http://loinc.org", code: o.code, display: o.display }] },
    subject: { reference: `Patient/${o.patientId}` },
    encounter: { reference: `Encounter/${o.encounterId}` },
    effectiveDateTime: o.effectiveAt,
    valueQuantity: {
      value: o.value,
      unit: o.unit,
      system: "http://unitsofmeasure.org",
      code: o.unit,
    },
  };
}
