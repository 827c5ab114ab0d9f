import { z } from "@hono/zod-openapi";
import { APPOINTMENT_STATUSES } from "@pms/events";
import { ignoringReadOnly, isSafeMultilineText, isSafeText, parseInstant } from "@pms/http";

/** The weekdays availability windows are given for, Monday first (ISO 8601 order). */
export const WEEKDAYS = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"] as const;

/** One of {@linkcode WEEKDAYS}. */
export type Weekday = typeof WEEKDAYS[number];

/** What a schedule books: a practitioner's time or a room. */
export const SCHEDULE_KINDS = ["PRACTITIONER", "ROOM"] as const;

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/** `HH:MM` as minutes from midnight. */
export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(":");
  return Number(h) * 60 + Number(m);
}

/** True when `zone` is an IANA time zone the platform knows (`Europe/Paris`, `UTC`). */
export function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** One weekly availability window, in the schedule's local wall-clock time. */
export const AvailabilityWindow = z.strictObject({
  weekday: z.enum(WEEKDAYS, { error: `weekday must be one of ${WEEKDAYS.join(", ")}` }),
  start: z.string({ error: "start must be HH:MM" }).regex(HH_MM, "start must be HH:MM"),
  end: z.string({ error: "end must be HH:MM" }).regex(HH_MM, "end must be HH:MM"),
}).openapi("AvailabilityWindow");

/** One availability window. */
export type AvailabilityWindow = z.infer<typeof AvailabilityWindow>;

const name = z.string({ error: "Name is required" }).trim().min(1, "Name is required")
  .max(100, "Name must be at most 100 characters").refine(
    isSafeText,
    "Name contains invalid characters",
  );
const timeZone = z.string({ error: "Time zone is required" })
  .refine(isTimeZone, "Time zone must be an IANA time zone such as Europe/Paris");
const slotMinutes = z.number({ error: "slotMinutes must be a whole number from 5 to 240" }).int()
  .min(5, "slotMinutes must be a whole number from 5 to 240")
  .max(240, "slotMinutes must be a whole number from 5 to 240");
const availability = z.array(AvailabilityWindow, { error: "availability must be a list" })
  .min(1, "availability needs 1 to 50 windows").max(50, "availability needs 1 to 50 windows");
const practitionerId = z.guid({ error: "practitionerId must be a user id" });

/**
 * The problems of a schedule's availability for its slot length: each window's start before its
 * end, both on `slotMinutes` boundaries from midnight, and no two windows of a weekday overlapping.
 */
export function availabilityProblem(
  windows: AvailabilityWindow[],
  slot: number,
): string | undefined {
  const byDay = new Map<string, [number, number][]>();
  for (const w of windows) {
    const start = minutesOf(w.start);
    const end = minutesOf(w.end);
    if (start >= end) return `A window's start must be before its end (${w.weekday} ${w.start})`;
    if (start % slot !== 0 || end % slot !== 0) {
      return `Window ends must be multiples of ${slot} minutes from midnight (${w.weekday} ${w.start}-${w.end})`;
    }
    byDay.set(w.weekday, [...(byDay.get(w.weekday) ?? []), [start, end]]);
  }
  for (const [day, spans] of byDay) {
    spans.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) {
      if (spans[i]![0] < spans[i - 1]![1]) return `Windows of ${day} overlap`;
    }
  }
  return undefined;
}

/** The body of `POST /schedules`. */
export const CreateSchedule = z.strictObject({
  name,
  kind: z.enum(SCHEDULE_KINDS, { error: "kind must be PRACTITIONER or ROOM" }),
  practitionerId: practitionerId.nullish(),
  timeZone,
  slotMinutes: slotMinutes.default(15),
  availability,
  active: z.boolean({ error: "active must be true or false" }).default(true),
}).openapi("CreateScheduleRequest");

/**
 * The body of `PATCH /schedules/{id}` (merge: only what is given changes; `id`, `version`,
 * `createdAt`, `updatedAt` ignored).
 */
export const PatchSchedule = ignoringReadOnly(z.strictObject({
  name: name.optional(),
  kind: z.enum(SCHEDULE_KINDS, { error: "kind must be PRACTITIONER or ROOM" }).optional(),
  practitionerId: practitionerId.nullish(),
  timeZone: timeZone.optional(),
  slotMinutes: slotMinutes.optional(),
  availability: availability.optional(),
  active: z.boolean({ error: "active must be true or false" }).optional(),
})).openapi("PatchScheduleRequest");

/** A schedule as the API returns it. */
export const Schedule = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(SCHEDULE_KINDS),
  practitionerId: z.string().nullable(),
  timeZone: z.string(),
  slotMinutes: z.number().int(),
  availability: z.array(AvailabilityWindow),
  active: z.boolean(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).openapi("Schedule");

/** A schedule. */
export type Schedule = z.infer<typeof Schedule>;

/** A slot of a schedule. */
export const Slot = z.object({
  start: z.string(),
  end: z.string(),
  status: z.enum(["FREE", "BUSY"]),
}).openapi("Slot");

/** A slot. */
export type Slot = z.infer<typeof Slot>;

/** An RFC 3339 instant with its offset (`2026-03-29T08:00:00Z`), as text. */
export const instant = (field: string) =>
  z.string({ error: `${field} is required` }).refine(
    (v) => parseInstant(v) !== undefined,
    `${field} must be an RFC 3339 time with an offset`,
  );

/** A list's optional `from` and `to` filters, as instants. */
export const periodFilters = { from: instant("from").optional(), to: instant("to").optional() };

const reason = z.string({ error: "reason must be text" }).max(
  255,
  "reason must be at most 255 characters",
).refine(isSafeMultilineText, "reason contains invalid characters");

/** The body of `POST /appointments`. */
export const CreateAppointment = z.strictObject({
  patientId: z.guid({ error: "patientId must be a patient id" }),
  scheduleId: z.guid({ error: "scheduleId must be a schedule id" }),
  start: instant("start"),
  end: instant("end"),
  reason: reason.nullish(),
}).openapi("CreateAppointmentRequest");

/**
 * The body of `PATCH /appointments/{id}` (merge; `id`, `version`, `createdAt`, `updatedAt`
 * ignored).
 */
export const PatchAppointment = ignoringReadOnly(z.strictObject({
  start: instant("start").optional(),
  end: instant("end").optional(),
  scheduleId: z.guid({ error: "scheduleId must be a schedule id" }).optional(),
  reason: reason.nullish(),
})).openapi("PatchAppointmentRequest");

/** The body of `POST /appointments/{id}/status`. */
export const StatusChange = z.strictObject({
  status: z.enum(APPOINTMENT_STATUSES, {
    error: `status must be one of ${APPOINTMENT_STATUSES.join(", ")}`,
  }),
  reason: reason.nullish(),
}).openapi("AppointmentStatusRequest");

/** An appointment as the API returns it. */
export const Appointment = z.object({
  id: z.string(),
  patientId: z.string(),
  scheduleId: z.string(),
  start: z.string(),
  end: z.string(),
  status: z.enum(APPOINTMENT_STATUSES),
  reason: z.string().nullable(),
  statusReason: z.string().nullable(),
  bookedBy: z.string(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).openapi("Appointment");

/** An appointment. */
export type Appointment = z.infer<typeof Appointment>;
