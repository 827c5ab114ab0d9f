import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "@pms/http";
import { mountPatientData, type PatientDataRoutesDeps } from "@pms/patient_access";
import type { SchedulingService } from "./domain/scheduling_service.ts";
import { fhirRoutes } from "./fhir/fhir_routes.ts";
import { appointmentRoutes } from "./routes/appointments.ts";
import { internalRoutes } from "./routes/internal.ts";
import { scheduleRoutes } from "./routes/schedules.ts";

/** What the scheduling routes need. */
export type SchedulingRoutesDeps = PatientDataRoutesDeps<SchedulingService>;

/**
 * Mounts `/schedules` and `/appointments` (token and body limit required; nothing stored by
 * caches), the internal appointment check, and the FHIR `Appointment`, `Schedule` and `Slot`
 * read and search at `/fhir/R4`. A restricted patient's appointment is refused, and masked in
 * lists; a change to one is refused before it is made (its patient is looked up first).
 */
export function mountSchedulingRoutes(app: OpenAPIHono<AppEnv>, deps: SchedulingRoutesDeps): void {
  const { service } = deps;
  mountPatientData(app, deps, {
    resources: {
      "/schedules": scheduleRoutes(deps),
      "/appointments": appointmentRoutes(deps),
    },
    recordPatient: (resource, id) =>
      resource === "appointments" ? service.patientOfAppointment(id) : undefined,
    fhir: fhirRoutes,
    fhirDocument: {
      name: "scheduling-fhir",
      title: "Scheduling Service FHIR R4 API",
      description: "Appointments, schedules and their slots as HL7 FHIR R4 resources " +
        "(`application/fhir+json`), read and search only; every error is an OperationOutcome.",
    },
  });
  app.route("/internal", internalRoutes(service, deps.verify));
}
