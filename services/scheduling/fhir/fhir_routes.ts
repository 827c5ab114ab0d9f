import type { MiddlewareHandler } from "hono";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { auditNote } from "@pms/audit";
import { type AppEnv, fhirError, type Paging } from "@pms/http";
import {
  dateBounds,
  fhirRead,
  fhirReadApp,
  fhirSearchRoute,
  referenceId,
  searchAnswer,
  searchPage,
  searchQuery,
  withinBounds,
} from "@pms/fhir";
import type { Logger } from "@pms/log";
import type { VerifyToken } from "@pms/service";
import type { AppointmentStatus } from "@pms/events";
import type { Schedule } from "../domain/schedule_schema.ts";
import { MAX_SLOT_DAYS, type SchedulingService } from "../domain/scheduling_service.ts";
import { localDateOf } from "../domain/slots.ts";
import { SCHEDULING_ROLES } from "../routes/_util.ts";
import { toFhirAppointment, toFhirSchedule, toFhirSlot } from "./fhir_resources.ts";

/** What {@linkcode fhirRoutes} needs. */
export interface SchedulingFhirOptions {
  service: SchedulingService;
  verify: VerifyToken;
  /** `FHIR_BASE_URL`: the base of `fullUrl` and links. */
  baseUrl: string;
  paging: Paging;
  logger: Logger;
  /** Run after the token check (the restricted-records check). */
  guards?: MiddlewareHandler<AppEnv>[];
}

const FHIR_STATUSES: Record<string, AppointmentStatus> = {
  booked: "BOOKED",
  arrived: "ARRIVED",
  fulfilled: "FULFILLED",
  cancelled: "CANCELLED",
  noshow: "NOSHOW",
};

/**
 * The FHIR R4 read and search of the scheduling service (mounted at `/fhir/R4`, where the gateway
 * routes `Appointment`, `Schedule` and `Slot`): the same rows, roles and audit actions as the REST
 * API, every error an OperationOutcome.
 */
export function fhirRoutes(options: SchedulingFhirOptions): OpenAPIHono<AppEnv> {
  const { service, baseUrl: base, paging } = options;
  const app = fhirReadApp(options);

  const schedulesOf = async (ids: string[]): Promise<Map<string, Schedule>> => {
    const map = new Map<string, Schedule>();
    for (const id of new Set(ids)) map.set(id, await service.schedule(id));
    return map;
  };

  fhirRead(app, {
    type: "Appointment",
    audit: "appointment.read",
    summary: "read: an Appointment (the patient and the schedule as participants)",
    roles: SCHEDULING_ROLES.staff,
    load: service.appointment,
    note: (appointment, id) => ({
      patientIds: [appointment.patientId],
      details: { appointmentId: id },
    }),
    present: async (appointment) =>
      toFhirAppointment(appointment, await service.schedule(appointment.scheduleId)),
  });

  app.openapi(
    fhirSearchRoute({
      type: "Appointment",
      audit: { action: "appointment.search", patient: { query: "patient" } },
      summary: "search-type: Appointments by patient, date (on start), status; _count pages",
      roles: SCHEDULING_ROLES.staff,
    }),
    async (c) => {
      const query = searchQuery(c.req.url, ["patient", "date", "status"], paging);
      const status = query.codes("status", FHIR_STATUSES, "http://hl7.org/fhir/appointmentstatus");
      const bounds = dateBounds("date", query.all("date"));
      const patientId = query.reference("patient", ["Patient"]);
      return await searchPage(c, query, {
        base,
        type: "Appointment",
        find: (size) =>
          service.listAppointments({
            patientId,
            status,
            startFrom: bounds.from,
            startBefore: bounds.before,
            startExcluded: bounds.excluded,
            page: 0,
            size,
          }),
        present: async (items) => {
          const schedules = await schedulesOf(items.map((a) => a.scheduleId));
          return items.map((a) => toFhirAppointment(a, schedules.get(a.scheduleId)!));
        },
        patientOf: (appointment) => appointment.patientId,
      });
    },
  );

  fhirRead(app, {
    type: "Schedule",
    audit: "schedule.read",
    summary: "read: a Schedule (its practitioner or room as actor)",
    roles: SCHEDULING_ROLES.staff,
    load: service.schedule,
    note: (_schedule, id) => ({ details: { scheduleId: id } }),
    present: toFhirSchedule,
  });

  app.openapi(
    fhirSearchRoute({
      type: "Schedule",
      audit: "schedule.search",
      summary: "search-type: Schedules by actor (Practitioner/<userId> or Location/<scheduleId>)",
      roles: SCHEDULING_ROLES.staff,
    }),
    async (c) => {
      const query = searchQuery(c.req.url, ["actor"], paging);
      const { count, offset } = query;
      const actor = query.last("actor");
      // A bare id names a practitioner (`Practitioner/<userId>`) or a room (`Location/<id>`).
      const id = actor === undefined
        ? undefined
        : referenceId("actor", actor, ["Practitioner", "Location"]);
      const type = actor?.includes("/") ? actor.slice(0, actor.indexOf("/")) : undefined;
      const found = await service.listSchedules({
        ...(type === "Practitioner"
          ? { practitionerId: id }
          : type === "Location"
          ? { roomId: id }
          : { actorId: id }),
        page: 0,
        size: offset + count,
      });
      const schedules = found.items.slice(offset);
      const total = found.total;
      return searchAnswer(c, {
        base,
        type: "Schedule",
        resources: schedules.map(toFhirSchedule),
        total,
        offset,
        count,
      });
    },
  );

  app.openapi(
    fhirSearchRoute({
      type: "Slot",
      audit: "schedule.slots",
      summary: "search-type: a schedule's Slots (free or busy) by start; at most 31 days",
      roles: SCHEDULING_ROLES.staff,
      error: "No schedule, an unknown parameter or a bad value",
    }),
    async (c) => {
      const query = searchQuery(c.req.url, ["schedule", "start"], paging);
      const { count, offset } = query;
      const given = query.last("schedule");
      if (given === undefined) throw fhirError(400, "schedule is required", { code: "required" });
      const scheduleId = referenceId("schedule", given, ["Schedule"]);
      const bounds = dateBounds("start", query.all("start"));
      const schedule = await service.schedule(scheduleId);
      const zone = schedule.timeZone;
      const first = localDateOf(bounds.from ?? new Date(), zone);
      const last = bounds.before
        ? localDateOf(new Date(bounds.before.getTime() - 1), zone)
        : first.add({ days: 6 });
      if (first.until(last).days > MAX_SLOT_DAYS) {
        throw fhirError(400, `start must span at most ${MAX_SLOT_DAYS} days`);
      }
      auditNote(c, { details: { scheduleId } });
      const slots = (await service.slots(scheduleId, first.toString(), last.toString()))
        .filter((s) => withinBounds(bounds, new Date(s.start)));
      const page = slots.slice(offset, offset + count);
      return searchAnswer(c, {
        base,
        type: "Slot",
        resources: page.map((s) => toFhirSlot(scheduleId, s)),
        total: slots.length,
        offset,
        count,
      });
    },
  );

  return app;
}
