import { isUuid } from "@pms/ids";
import { type CallContext, changedFields, type ChangeScope, commitChange } from "@pms/audit";
import { isDeadlock, isExclusionViolation, type Sql, type Tx } from "@pms/db";
import {
  type AppointmentEventType,
  type AppointmentStatus,
  encodeAppointmentEvent,
  type EncounterEvent,
  EVENT_OUTBOX_CHANNEL,
  outboxInsert,
} from "@pms/events";
import { DomainError, invalidField, notFound, parseDay, requireVersion } from "@pms/http";
import type { PatientDirectory } from "@pms/patient_directory";
import {
  busyTimes,
  findAppointment,
  insertAppointment,
  listAppointments,
  markProcessed,
  moveAppointment,
  PATIENT_FREE,
  SCHEDULE_FREE,
  setAppointmentStatus,
} from "../store/appointment_store.ts";
import type { AppointmentFilter } from "../store/appointment_store.ts";
import {
  findSchedule,
  insertSchedule,
  listSchedules,
  type ScheduleFields,
  type ScheduleFilter,
  updateSchedule,
} from "../store/schedule_store.ts";
import type { PractitionerDirectory } from "./practitioner_directory.ts";
import {
  type Appointment,
  availabilityProblem,
  type CreateAppointment,
  type CreateSchedule,
  type PatchAppointment,
  type PatchSchedule,
  type Schedule,
  type Slot,
} from "./schedule_schema.ts";
import { checkSpan, slotsBetween } from "./slots.ts";
import type { z } from "zod";

const SLOT_TAKEN = "Slot is no longer available";
const PATIENT_BUSY = "Patient already has an appointment at that time";
const INACTIVE = "Schedule is not active";
const FROZEN = "Appointment can no longer be changed";

/** The status moves an appointment may make. */
const MOVES: Record<AppointmentStatus, AppointmentStatus[]> = {
  BOOKED: ["ARRIVED", "CANCELLED", "NOSHOW"],
  ARRIVED: ["FULFILLED", "CANCELLED"],
  FULFILLED: [],
  CANCELLED: [],
  NOSHOW: [],
};

/** The longest slot query, in days (`to` − `from`). */
export const MAX_SLOT_DAYS = 31;

/** Who asks, and what the request's change commits with (`callContext` of `@pms/audit`). */
export type { CallContext };

/** What the use cases need beyond the database. */
export interface SchedulingServiceOptions {
  patients: PatientDirectory;
  practitioners: PractitionerDirectory;
  /** The clock (tests move it). */
  now?: () => Date;
}

/** The scheduling use cases: each throws a `DomainError` of its kind. */
export type SchedulingService = ReturnType<typeof createSchedulingService>;

/** Availability windows as comparable text (the stored JSON may order each window's keys). */
function windowsText(windows: ScheduleFields["availability"]): string {
  return windows.map((w) => `${w.weekday} ${w.start} ${w.end}`).join(",");
}

/** Whether two dates are the same instant. */
function sameInstant(a: Date, b: Date): boolean {
  return a.getTime() === b.getTime();
}

/**
 * `YYYY-MM-DD` that is a real date from 0001-01-02 to 9999-12-30: a day's slots, in any time zone,
 * then lie within the instants every store keeps (years 0001–9999 in UTC).
 */
function isSlotDate(value: string): boolean {
  return parseDay(value) !== undefined && value >= "0001-01-02" && value <= "9999-12-30";
}

/**
 * The scheduling use cases on the service's database. A change commits in one transaction with
 * its `AppointmentEvent` (outbox, key = patient id) and its audit record; the database's
 * exclusion constraints have the last word on overlaps, whatever races.
 */
export function createSchedulingService(sql: Sql, options: SchedulingServiceOptions) {
  const now = options.now ?? (() => new Date());

  /**
   * A change in one transaction (`commitChange`), an overlap refused as its 409. Two bookings that
   * overlap and insert at the same moment can each wait for the other under the exclusion
   * constraints; PostgreSQL then rolls one back as a deadlock, and it runs again (to its 409).
   */
  async function change<T>(work: (scope: ChangeScope) => Promise<T>): Promise<T> {
    try {
      for (let attempt = 1;; attempt++) {
        try {
          return await commitChange(sql, work);
        } catch (error) {
          if (!isDeadlock(error) || attempt === 3) throw error;
        }
      }
    } catch (error) {
      if (isExclusionViolation(error, SCHEDULE_FREE)) throw new DomainError("conflict", SLOT_TAKEN);
      if (isExclusionViolation(error, PATIENT_FREE)) {
        throw new DomainError("conflict", PATIENT_BUSY);
      }
      throw error;
    }
  }

  async function emit(
    tx: Tx,
    wake: (channel: string) => void,
    type: AppointmentEventType,
    a: Appointment,
    timeZone: string,
    traceparent?: string,
  ): Promise<void> {
    const payload = encodeAppointmentEvent({
      eventId: crypto.randomUUID(),
      eventType: type,
      occurredAt: new Date(),
      appointmentId: a.id,
      patientId: a.patientId,
      scheduleId: a.scheduleId,
      start: new Date(a.start),
      end: new Date(a.end),
      status: a.status,
      version: a.version,
      timeZone,
    });
    await tx`${outboxInsert(tx, [{ key: a.patientId, payload, traceparent }])}`;
    wake(EVENT_OUTBOX_CHANNEL);
  }

  /** Moves appointment `id` to `to.status`, with its `APPOINTMENT_STATUS_CHANGED` event. */
  async function moveStatus(
    { tx, wake }: Pick<ChangeScope, "tx" | "wake">,
    id: string,
    to: { status: AppointmentStatus; reason: string | null; timeZone: string },
    traceparent?: string,
  ): Promise<Appointment> {
    const updated = await setAppointmentStatus(tx, id, to.status, to.reason);
    await emit(tx, wake, "APPOINTMENT_STATUS_CHANGED", updated, to.timeZone, traceparent);
    return updated;
  }

  /** The 400s of a schedule's fields; its practitioner is asked about when `token` is given. */
  async function checkScheduleFields(f: ScheduleFields, token?: string): Promise<void> {
    const problem = availabilityProblem(f.availability, f.slotMinutes);
    if (problem) throw invalidField("availability", problem);
    if (f.kind === "PRACTITIONER" && !f.practitionerId) {
      throw invalidField(
        "practitionerId",
        "practitionerId is required for a PRACTITIONER schedule",
      );
    }
    if (f.kind === "ROOM" && f.practitionerId) {
      throw invalidField("practitionerId", "A ROOM schedule has no practitionerId");
    }
    if (
      f.practitionerId && token !== undefined &&
      !(await options.practitioners.isEnabledClinician(f.practitionerId, token))
    ) {
      throw invalidField("practitionerId", "practitionerId must be an enabled CLINICIAN's user id");
    }
  }

  async function scheduleOf(tx: Tx, id: string, lock = false): Promise<Schedule> {
    const schedule = await findSchedule(tx, id, lock);
    if (!schedule) throw notFound("Schedule");
    return schedule;
  }
  async function appointmentOf(tx: Tx, id: string, lock = false): Promise<Appointment> {
    const found = await findAppointment(tx, id, lock);
    if (!found) throw notFound("Appointment");
    return found;
  }

  /** The 400s of a booking's times on `schedule`: in the future, on its slots, one window. */
  function checkTimes(schedule: Schedule, start: Date, end: Date): void {
    const span = checkSpan(schedule, start, end);
    if (!span.ok) throw invalidField(span.field, span.message);
  }

  function checkFuture(start: Date): void {
    if (start.getTime() <= now().getTime()) {
      throw invalidField("start", "start must be in the future");
    }
  }

  return {
    /**
     * The patient of an appointment (undefined for none or a malformed id): asked before a change
     * to it, so that a change to a restricted patient's appointment is refused before it is made.
     */
    async patientOfAppointment(id: string): Promise<string | undefined> {
      if (!isUuid(id)) return undefined;
      const [row] = await sql<{ patientId: string }[]>`
        select patient_id::text as "patientId" from appointments where id = ${id}`;
      return row?.patientId;
    },
    async createSchedule(
      input: z.infer<typeof CreateSchedule>,
      ctx: CallContext,
    ): Promise<Schedule> {
      const fields: ScheduleFields = { ...input, practitionerId: input.practitionerId ?? null };
      await checkScheduleFields(fields, ctx.token);
      return await change(async ({ tx, audit }) => {
        const schedule = await insertSchedule(tx, crypto.randomUUID(), fields);
        await audit(ctx.audit, [], { scheduleId: schedule.id });
        return schedule;
      });
    },

    schedule: (id: string) => scheduleOf(sql, id),

    listSchedules: (filter: ScheduleFilter) => listSchedules(sql, filter),

    async patchSchedule(
      id: string,
      patch: z.infer<typeof PatchSchedule>,
      ctx: CallContext,
    ): Promise<Schedule> {
      return await change(async ({ tx, audit }) => {
        const current = await scheduleOf(tx, id, true);
        const fields: ScheduleFields = {
          name: patch.name ?? current.name,
          kind: patch.kind ?? current.kind,
          practitionerId: patch.practitionerId === undefined
            ? (patch.kind === "ROOM" ? null : current.practitionerId)
            : patch.practitionerId,
          timeZone: patch.timeZone ?? current.timeZone,
          slotMinutes: patch.slotMinutes ?? current.slotMinutes,
          availability: patch.availability ?? current.availability,
          active: patch.active ?? current.active,
        };
        // An unchanged practitioner is not asked about again.
        const ask = fields.practitionerId !== current.practitionerId;
        await checkScheduleFields(fields, ask ? ctx.token : undefined);
        // The merged fields' 400s come before the version's 412.
        requireVersion(current.version, "Schedule", ctx.expectedVersions);
        const changed = changedFields<ScheduleFields>(current, fields, {
          availability: (a, b) => windowsText(a) === windowsText(b),
        });
        // A PATCH that changes nothing keeps the version; its audit record says so.
        await audit(ctx.audit, [], { scheduleId: id, fields: changed });
        if (changed.length === 0) return current;
        // Existing appointments stay as they are: a PATCH never invalidates them.
        return await updateSchedule(tx, id, fields);
      });
    },

    /** The slots of `from`–`to` (local dates, inclusive), `BUSY` where a live booking overlaps. */
    async slots(id: string, from: string, to: string): Promise<Slot[]> {
      const date = "must be a date (YYYY-MM-DD) from 0001-01-02 to 9999-12-30";
      if (!isSlotDate(from)) throw invalidField("from", `from ${date}`);
      if (!isSlotDate(to)) throw invalidField("to", `to ${date}`);
      const days = Temporal.PlainDate.from(from).until(Temporal.PlainDate.from(to)).days;
      if (days < 0) throw invalidField("to", "to must not be before from");
      if (days > MAX_SLOT_DAYS) {
        throw invalidField("to", `to − from must be at most ${MAX_SLOT_DAYS} days`);
      }
      const schedule = await scheduleOf(sql, id);
      if (!schedule.active) return [];
      const planned = slotsBetween(schedule, from, to);
      if (planned.length === 0) return [];
      const busy = (await busyTimes(sql, id, planned[0]!.start, planned.at(-1)!.end))
        .sort((a, b) => a.start.getTime() - b.start.getTime());
      // One sweep: a schedule's live appointments never overlap, so by start is also by end.
      let b = 0;
      return planned.map((s) => {
        while (b < busy.length && busy[b]!.end <= s.start) b++;
        const taken = b < busy.length && busy[b]!.start < s.end;
        return {
          start: s.start.toISOString(),
          end: s.end.toISOString(),
          status: taken ? "BUSY" : "FREE",
        };
      });
    },

    async book(input: z.infer<typeof CreateAppointment>, ctx: CallContext): Promise<Appointment> {
      const start = new Date(input.start);
      const end = new Date(input.end);
      if (end.getTime() <= start.getTime()) throw invalidField("end", "end must be after start");
      checkFuture(start);
      const schedule = await scheduleOf(sql, input.scheduleId);
      checkTimes(schedule, start, end);
      await options.patients.requireActive(input.patientId, ctx.token);
      if (!schedule.active) throw new DomainError("conflict", INACTIVE);
      return await change(async ({ tx, wake, audit }) => {
        const appointment = await insertAppointment(tx, {
          id: crypto.randomUUID(),
          patientId: input.patientId,
          scheduleId: schedule.id,
          start,
          end,
          reason: input.reason ?? null,
          bookedBy: ctx.userId,
        });
        await emit(
          tx,
          wake,
          "APPOINTMENT_BOOKED",
          appointment,
          schedule.timeZone,
          ctx.traceparent,
        );
        await audit(ctx.audit, [appointment.patientId], {
          appointmentId: appointment.id,
          scheduleId: schedule.id,
        });
        return appointment;
      });
    },

    appointment: (id: string) => appointmentOf(sql, id),

    /**
     * Resolves when a list's `patientId` filter names a patient that exists and is not deleted;
     * a `not_found` "Patient not found" otherwise (asked with the caller's `token`).
     */
    requirePatient: (patientId: string, token: string) =>
      options.patients.requireKnown(patientId, token),

    listAppointments: (filter: AppointmentFilter) => listAppointments(sql, filter),

    async patchAppointment(
      id: string,
      patch: z.infer<typeof PatchAppointment>,
      ctx: CallContext,
    ): Promise<Appointment> {
      return await change(async ({ tx, wake, audit }) => {
        const current = await appointmentOf(tx, id, true);
        const start = new Date(patch.start ?? current.start);
        const end = new Date(patch.end ?? current.end);
        const scheduleId = patch.scheduleId ?? current.scheduleId;
        const reason = patch.reason === undefined ? current.reason : patch.reason;
        const fields = changedFields(
          {
            start: new Date(current.start),
            end: new Date(current.end),
            scheduleId: current.scheduleId,
            reason: current.reason,
          },
          { start, end, scheduleId, reason },
          { start: sameInstant, end: sameInstant },
        );
        const moved = fields.some((name) => name !== "reason");
        // The merged times' 400s, then the schedule's 404 (and its slots' 400s), then the
        // version's 412, then the 409s.
        if (moved) {
          if (end.getTime() <= start.getTime()) {
            throw invalidField("end", "end must be after start");
          }
          checkFuture(start);
        }
        const schedule = await scheduleOf(tx, scheduleId);
        if (moved) checkTimes(schedule, start, end);
        requireVersion(current.version, "Appointment", ctx.expectedVersions);
        if (current.status !== "BOOKED") throw new DomainError("conflict", FROZEN);
        if (moved && !schedule.active) throw new DomainError("conflict", INACTIVE);
        // A PATCH that changes nothing keeps the version; its audit record says so.
        await audit(ctx.audit, [current.patientId], { appointmentId: id, fields });
        if (fields.length === 0) return current;
        const updated = await moveAppointment(tx, id, { scheduleId, start, end, reason });
        await emit(tx, wake, "APPOINTMENT_CHANGED", updated, schedule.timeZone, ctx.traceparent);
        return updated;
      });
    },

    async setStatus(
      id: string,
      to: AppointmentStatus,
      reason: string | null,
      ctx: CallContext,
    ): Promise<Appointment> {
      return await change(async ({ tx, wake, audit }) => {
        const current = await appointmentOf(tx, id, true);
        requireVersion(current.version, "Appointment", ctx.expectedVersions);
        if (!MOVES[current.status].includes(to)) {
          throw new DomainError("conflict", `Cannot change status from ${current.status} to ${to}`);
        }
        if (to === "NOSHOW" && new Date(current.start).getTime() > now().getTime()) {
          throw new DomainError("conflict", "Appointment has not started");
        }
        const { timeZone } = await scheduleOf(tx, current.scheduleId);
        const move = { status: to, reason, timeZone };
        const updated = await moveStatus({ tx, wake }, id, move, ctx.traceparent);
        await audit(ctx.audit, [updated.patientId], {
          appointmentId: id,
          from: current.status,
          to,
        });
        return updated;
      });
    },

    /**
     * Follows an encounter: opened for an appointment, the appointment is `ARRIVED`; finished,
     * `FULFILLED` (through `ARRIVED` when it was still `BOOKED`). Each event id once; an
     * appointment in another status is left as it is.
     */
    async followEncounter(event: EncounterEvent, traceparent?: string): Promise<void> {
      await change(async ({ tx, wake }) => {
        if (!(await markProcessed(tx, event.eventId))) return;
        if (!event.appointmentId || event.eventType === "ENCOUNTER_CANCELLED") return;
        const current = await findAppointment(tx, event.appointmentId, true);
        if (!current || current.patientId !== event.patientId) return;
        const steps: AppointmentStatus[] = event.eventType === "ENCOUNTER_STARTED"
          ? (current.status === "BOOKED" ? ["ARRIVED"] : [])
          : current.status === "BOOKED"
          ? ["ARRIVED", "FULFILLED"]
          : current.status === "ARRIVED"
          ? ["FULFILLED"]
          : [];
        if (steps.length === 0) return;
        const { timeZone } = await scheduleOf(tx, current.scheduleId);
        for (const status of steps) {
          await moveStatus(
            { tx, wake },
            current.id,
            { status, reason: null, timeZone },
            traceparent,
          );
        }
      });
    },
  };
}
