import { OpenAPIHono, z } from "@hono/zod-openapi";
import { answerChange, auditNote, callContext, changeById, disclosedList } from "@pms/audit";
import { APPOINTMENT_STATUSES } from "@pms/events";
import {
  answerVersion,
  type AppEnv,
  defineRoute,
  periodOf,
  recordRoutes,
  resourceApp,
} from "@pms/http";
import * as doc from "@pms/http/openapi";
import type { SchedulingRoutesDeps } from "../app.ts";
import {
  Appointment,
  CreateAppointment,
  PatchAppointment,
  periodFilters,
  StatusChange,
} from "../domain/schedule_schema.ts";
import { SCHEDULING_ROLES } from "./_util.ts";

const conflicts = {
  409: "Slot is no longer available, Patient already has an appointment at that time, or " +
    "Schedule is not active",
};

/** `/appointments`: book, find, move and move along the status machine. */
export function appointmentRoutes(deps: SchedulingRoutesDeps): OpenAPIHono<AppEnv> {
  const { service, keys, paging } = deps;
  const app = resourceApp();
  const list = {
    path: "/appointments",
    defaultSize: paging.defaultSize,
    requirePatient: service.requirePatient,
  };
  const appointments = recordRoutes({
    noun: "appointment",
    schema: Appointment,
    roles: SCHEDULING_ROLES.staff,
    keys,
  });

  app.openapi(
    appointments.create({
      audit: { action: "appointment.create", patient: { body: "patientId" } },
      summary: "Book an appointment on a schedule's slots (Idempotency-Key honoured)",
      body: CreateAppointment,
      created: "Booked; Location names it",
      invalid: "Invalid fields, or times off the schedule's slots",
      errors: { 404: "Patient not found, or Schedule not found", ...conflicts },
    }),
    async (c) => {
      const appointment = await service.book(c.req.valid("json"), callContext(c));
      return answerChange(c, appointment, 201, "/appointments");
    },
  );

  app.openapi(
    appointments.search("Appointments by start, then id (paged; X-Total-Count and Link)", {
      scheduleId: z.guid({ error: "scheduleId must be a schedule id" }).optional(),
      status: doc.enumFilter("status", APPOINTMENT_STATUSES),
      ...periodFilters,
    }, paging),
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
    appointments.read("An appointment (ETag)"),
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
    appointments.patch({
      summary: "Move a BOOKED appointment or change its reason (merge; If-Match honoured)",
      body: PatchAppointment,
      invalid: "Malformed id, invalid fields, or times off the schedule's slots",
      errors: {
        404: "Appointment not found, or Schedule not found",
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
        params: appointments.params,
        headers: doc.ifMatchHeaders(),
        body: doc.jsonBody(StatusChange),
      },
      responses: { 200: appointments.ok, 400: doc.invalidFields("Malformed id or status") },
      errors: {
        404: appointments.notFound,
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
