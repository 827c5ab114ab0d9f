import type { MiddlewareHandler } from "hono";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { auditNote } from "@pms/audit";
import { type AppEnv, defineRoute, etagOf, FHIR_ANSWERS, fhirError } from "@pms/http";
import {
  dateBounds,
  FhirAnyQuery,
  FhirIdParam,
  fhirJson,
  fhirPageParams,
  fhirReadApp,
  fhirResourceAnswer,
  onlyParams,
  queryPairs,
  referenceId,
  searchBundle,
  searchLinks,
} from "@pms/fhir";
import { isUuid } from "@pms/ids";
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
  paging: { defaultSize: number; maxSize: number };
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

  app.openapi(
    defineRoute({
      method: "get",
      path: "/Appointment/{id}",
      audit: "appointment.read",
      answers: FHIR_ANSWERS,
      summary: "read: an Appointment (the patient and the schedule as participants)",
      roles: SCHEDULING_ROLES.staff,
      request: { params: FhirIdParam, query: FhirAnyQuery },
      responses: fhirResourceAnswer("The Appointment"),
      errors: { 404: "No such appointment (code not-found)" },
    }),
    async (c) => {
      onlyParams(queryPairs(c.req.url), ["_format"]);
      const id = c.req.valid("param").id;
      if (!isUuid(id)) throw fhirError(404, "Appointment not found", { code: "not-found" });
      const appointment = await service.appointment(id);
      auditNote(c, { patientIds: [appointment.patientId], details: { appointmentId: id } });
      const schedules = await schedulesOf([appointment.scheduleId]);
      return fhirJson(
        c,
        toFhirAppointment(appointment, schedules.get(appointment.scheduleId)!),
        { ETag: etagOf(appointment.version) },
      );
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/Appointment",
      audit: "appointment.search",
      answers: FHIR_ANSWERS,
      summary: "search-type: Appointments by patient, date (on start), status; _count pages",
      roles: SCHEDULING_ROLES.staff,
      request: { query: FhirAnyQuery },
      responses: fhirResourceAnswer("A searchset Bundle"),
      errors: { 400: "An unknown parameter or a bad value" },
    }),
    async (c) => {
      const pairs = queryPairs(c.req.url);
      onlyParams(pairs, ["patient", "date", "status", "_count", "_offset", "_format"]);
      const { count, offset } = fhirPageParams(pairs, paging.defaultSize, paging.maxSize);
      const patient = pairs.findLast(([k]) => k === "patient")?.[1];
      const status = pairs.findLast(([k]) => k === "status")?.[1];
      if (status !== undefined && !FHIR_STATUSES[status]) {
        throw fhirError(400, `status must be one of ${Object.keys(FHIR_STATUSES).join(", ")}`);
      }
      const bounds = dateBounds("date", pairs.filter(([k]) => k === "date").map(([, v]) => v));
      const found = await service.listAppointments({
        patientId: patient === undefined ? undefined : referenceId("patient", patient, ["Patient"]),
        status: status === undefined ? undefined : FHIR_STATUSES[status],
        startFrom: bounds.from,
        startBefore: bounds.before,
        page: 0,
        size: count + offset,
      });
      const items = found.items.slice(offset);
      auditNote(c, { patientIds: [...new Set(items.map((a) => a.patientId))] });
      const schedules = await schedulesOf(items.map((a) => a.scheduleId));
      return fhirJson(
        c,
        searchBundle(
          base,
          items.map((a) => toFhirAppointment(a, schedules.get(a.scheduleId)!)),
          found.total,
          searchLinks(base, c.req.url, "Appointment", { offset, count, total: found.total }),
        ),
      );
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/Schedule/{id}",
      audit: "schedule.read",
      answers: FHIR_ANSWERS,
      summary: "read: a Schedule (its practitioner or room as actor)",
      roles: SCHEDULING_ROLES.staff,
      request: { params: FhirIdParam, query: FhirAnyQuery },
      responses: fhirResourceAnswer("The Schedule"),
      errors: { 404: "No such schedule (code not-found)" },
    }),
    async (c) => {
      onlyParams(queryPairs(c.req.url), ["_format"]);
      const id = c.req.valid("param").id;
      if (!isUuid(id)) throw fhirError(404, "Schedule not found", { code: "not-found" });
      const schedule = await service.schedule(id);
      auditNote(c, { details: { scheduleId: id } });
      return fhirJson(c, toFhirSchedule(schedule), { ETag: etagOf(schedule.version) });
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/Schedule",
      audit: "schedule.search",
      answers: FHIR_ANSWERS,
      summary: "search-type: Schedules by actor (Practitioner/<userId> or Location/<scheduleId>)",
      roles: SCHEDULING_ROLES.staff,
      request: { query: FhirAnyQuery },
      responses: fhirResourceAnswer("A searchset Bundle"),
      errors: { 400: "An unknown parameter or a bad value" },
    }),
    async (c) => {
      const pairs = queryPairs(c.req.url);
      onlyParams(pairs, ["actor", "_count", "_offset", "_format"]);
      const { count, offset } = fhirPageParams(pairs, paging.defaultSize, paging.maxSize);
      const actor = pairs.findLast(([k]) => k === "actor")?.[1];
      let schedules: Schedule[];
      let total: number;
      if (actor?.startsWith("Location/")) {
        const id = referenceId("actor", actor, ["Location"]);
        schedules = await service.schedule(id).then((s) => [s], () => []);
        total = schedules.length;
        schedules = schedules.slice(offset, offset + count);
      } else {
        const practitionerId = actor === undefined
          ? undefined
          : referenceId("actor", actor, ["Practitioner"]);
        const found = await service.listSchedules({
          practitionerId,
          page: 0,
          size: offset + count,
        });
        schedules = found.items.slice(offset);
        total = found.total;
      }
      return fhirJson(
        c,
        searchBundle(
          base,
          schedules.map(toFhirSchedule),
          total,
          searchLinks(base, c.req.url, "Schedule", { offset, count, total }),
        ),
      );
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/Slot",
      audit: "schedule.slots",
      answers: FHIR_ANSWERS,
      summary: "search-type: a schedule's Slots (free or busy) by start; at most 31 days",
      roles: SCHEDULING_ROLES.staff,
      request: { query: FhirAnyQuery },
      responses: fhirResourceAnswer("A searchset Bundle"),
      errors: { 400: "No schedule, an unknown parameter or a bad value" },
    }),
    async (c) => {
      const pairs = queryPairs(c.req.url);
      onlyParams(pairs, ["schedule", "start", "_count", "_offset", "_format"]);
      const { count, offset } = fhirPageParams(pairs, paging.defaultSize, paging.maxSize);
      const given = pairs.findLast(([k]) => k === "schedule")?.[1];
      if (given === undefined) throw fhirError(400, "schedule is required", { code: "required" });
      const scheduleId = referenceId("schedule", given, ["Schedule"]);
      const bounds = dateBounds("start", pairs.filter(([k]) => k === "start").map(([, v]) => v));
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
        .filter((s) =>
          (!bounds.from || Date.parse(s.start) >= bounds.from.getTime()) &&
          (!bounds.before || Date.parse(s.start) < bounds.before.getTime())
        );
      const page = slots.slice(offset, offset + count);
      return fhirJson(
        c,
        searchBundle(
          base,
          page.map((s) => toFhirSlot(scheduleId, s)),
          slots.length,
          searchLinks(base, c.req.url, "Slot", { offset, count, total: slots.length }),
        ),
      );
    },
  );

  return app;
}
