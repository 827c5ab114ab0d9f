import type { Appointment, Schedule, Slot } from "../domain/schedule_schema.ts";

/** The FHIR reference of what a schedule books: `Practitioner/{userId}` or `Location/{id}`. */
export function scheduleActor(schedule: Schedule): { reference: string; display: string } {
  return schedule.kind === "PRACTITIONER" && schedule.practitionerId
    ? { reference: `Practitioner/${schedule.practitionerId}`, display: schedule.name }
    : { reference: `Location/${schedule.id}`, display: schedule.name };
}

const meta = (r: { version: number; updatedAt: string }) => ({
  versionId: String(r.version),
  lastUpdated: r.updatedAt,
});

/** An appointment as a FHIR R4 Appointment: the patient and the schedule as participants. */
export function toFhirAppointment(a: Appointment, schedule: Schedule) {
  return {
    resourceType: "Appointment",
    id: a.id,
    meta: meta(a),
    status: a.status === "NOSHOW" ? "noshow" : a.status.toLowerCase(),
    ...(a.statusReason && a.status === "CANCELLED" && {
      cancelationReason: { text: a.statusReason },
    }),
    ...(a.reason && { description: a.reason }),
    start: a.start,
    end: a.end,
    minutesDuration: Math.round((Date.parse(a.end) - Date.parse(a.start)) / 60_000),
    created: a.createdAt,
    participant: [
      { actor: { reference: `Patient/${a.patientId}` }, required: "required", status: "accepted" },
      { actor: scheduleActor(schedule), required: "required", status: "accepted" },
    ],
  };
}

/** A schedule as a FHIR R4 Schedule (its name as `comment`). */
export function toFhirSchedule(s: Schedule) {
  return {
    resourceType: "Schedule",
    id: s.id,
    meta: meta(s),
    active: s.active,
    actor: [scheduleActor(s)],
    comment: s.name,
  };
}

/** A computed slot as a FHIR R4 Slot (its id: the schedule's and the start's epoch milliseconds). */
export function toFhirSlot(scheduleId: string, slot: Slot) {
  return {
    resourceType: "Slot",
    id: `${scheduleId}-${Date.parse(slot.start)}`,
    schedule: { reference: `Schedule/${scheduleId}` },
    status: slot.status === "FREE" ? "free" : "busy",
    start: slot.start,
    end: slot.end,
  };
}
