import { OpenAPIHono, z } from "@hono/zod-openapi";
import { answerChange, auditNote, callContext, changeById, disclosedList } from "@pms/audit";
import { APPOINTMENT_STATUSES } from "@pms/events";
import {
  answerVersion,
  type AppEnv,
  defineRoute,
  idempotency,
  type IdempotencyStore,
  type Paging,
  periodOf,
  resourceApp,
} from "@pms/http";
import * as doc from "@pms/http/openapi";
import {
  Appointment,
  CreateAppointment,
  PatchAppointment,
  periodFilters,
  StatusChange,
} from "../domain/schedule_schema.ts";
import type { SchedulingService } from "../domain/scheduling_service.ts";
import { SCHEDULING_ROLES } from "./_util.ts";

const AppointmentIdParam = doc.idParam("appointment");
const etag = doc.etagHeader;
const conflicts = {
  409: "Slot is no longer available, Patient already has an appointment at that time, or " +
    "Schedule is not active",
};

/** `/appointments`: book, find, move and move along the status machine. */
export function appointmentRoutes(
  service: SchedulingService,
  keys: IdempotencyStore,
  paging: Paging,
): OpenAPIHono<AppEnv> {
  const app = resourceApp();
  const list = {
    path: "/appointments",
    defaultSize: paging.defaultSize,
    requirePatient: service.requirePatient,
  };

  app.openapi(
    defineRoute({
      method: "post",
      path: "/",
      audit: { action: "appointment.create", patient: { body: "patientId" } },
      summary: "Book an appointment on a schedule's slots (Idempotency-Key honoured)",
      roles: SCHEDULING_ROLES.staff,
      idempotency: idempotency({ store: keys }),
      request: { body: doc.jsonBody(CreateAppointment) },
      responses: {
        201: doc.answer("Booked; Location names it", Appointment, etag),
        400: doc.invalidFields("Invalid fields, or times off the schedule's slots"),
      },
      errors: { 404: "Patient not found, or Schedule not found", ...conflicts },
    }),
    async (c) => {
      const appointment = await service.book(c.req.valid("json"), callContext(c));
      return answerChange(c, appointment, 201, "/appointments");
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/",
      audit: "appointment.search",
      summary: "Appointments by start, then id (paged; X-Total-Count and Link)",
      roles: SCHEDULING_ROLES.staff,
      request: {
        query: doc.listQuery({
          patientId: doc.patientIdFilter,
          scheduleId: z.guid({ error: "scheduleId must be a schedule id" }).optional(),
          status: doc.enumFilter("status", APPOINTMENT_STATUSES),
          ...periodFilters,
        }, paging),
      },
      responses: { ...doc.pagedList(doc.orRestricted(Appointment), "A page of appointments") },
      errors: doc.patientFilterErrors,
    }),
    async (c) => {
      const query = c.req.valid("query");
      const { patientId, scheduleId, status } = query;
      const filter = { patientId, scheduleId, status, ...periodOf(query) };
      return await disclosedList(
        c,
        list,
        query,
        (p) => service.listAppointments({ ...filter, ...p }),
      );
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/{id}",
      audit: "appointment.read",
      summary: "An appointment (ETag)",
      roles: SCHEDULING_ROLES.staff,
      request: { params: AppointmentIdParam },
      responses: { 200: doc.answer("The appointment", Appointment, etag) },
      errors: { 400: "Malformed id", 404: "Appointment not found" },
    }),
    async (c) => {
      const appointment = await service.appointment(c.req.valid("param").id);
      auditNote(c, {
        patientIds: [appointment.patientId],
        details: { appointmentId: appointment.id },
      });
      return answerVersion(c, appointment, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "patch",
      path: "/{id}",
      audit: "appointment.update",
      summary: "Move a BOOKED appointment or change its reason (merge; If-Match honoured)",
      roles: SCHEDULING_ROLES.staff,
      request: {
        params: AppointmentIdParam,
        headers: doc.ifMatchHeaders(),
        body: doc.patchBody(PatchAppointment),
      },
      responses: {
        200: doc.answer("The appointment", Appointment, etag),
        400: doc.invalidFields("Malformed id, invalid fields, or times off the schedule's slots"),
      },
      errors: {
        404: "Appointment not found, or Schedule not found",
        ...doc.staleVersion,
        409: "Appointment can no longer be changed, or the new time is taken",
      },
    }),
    (c) => changeById(c, service.patchAppointment, 200),
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/{id}/status",
      audit: "appointment.status",
      summary: "Move an appointment's status (BOOKED → ARRIVED, CANCELLED, NOSHOW; " +
        "ARRIVED → FULFILLED, CANCELLED)",
      roles: SCHEDULING_ROLES.staff,
      request: {
        params: AppointmentIdParam,
        headers: doc.ifMatchHeaders(),
        body: doc.jsonBody(StatusChange),
      },
      responses: {
        200: doc.answer("The appointment", Appointment, etag),
        400: doc.invalidFields("Malformed id or status"),
      },
      errors: {
        404: "Appointment not found",
        ...doc.staleVersion,
        409: "Cannot change status from <A> to <B>, or Appointment has not started",
      },
    }),
    async (c) => {
      const { status, reason } = c.req.valid("json");
      const appointment = await service.setStatus(
        c.req.valid("param").id,
        status,
        reason ?? null,
        callContext(c),
      );
      return answerChange(c, appointment, 200);
    },
  );

  return app;
}
