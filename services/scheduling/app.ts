import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { type AppEnv, guardResources } from "@pms/http";
import { type PatientDataRoutesDeps, restrictedRecords } from "@pms/patient_access";
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
 * read and search at `/fhir/R4`.
 */
export function mountSchedulingRoutes(app: OpenAPIHono<AppEnv>, deps: SchedulingRoutesDeps): void {
  // A restricted patient's appointment is refused, and masked in lists; a change to one is
  // refused before it is made (its patient is looked up first).
  const restricted = restrictedRecords({
    access: deps.access,
    recordPatient(c) {
      const [, resource, id] = c.req.path.split("/");
      return c.req.method !== "GET" && resource === "appointments" && id
        ? deps.service.patientOfAppointment(id)
        : Promise.resolve(undefined);
    },
  });
  guardResources(app, ["/schedules", "/appointments"], deps, restricted);
  app.route("/schedules", scheduleRoutes(deps.service, deps.keys, deps.paging));
  app.route("/appointments", appointmentRoutes(deps.service, deps.keys, deps.paging));
  app.route("/internal", internalRoutes(deps.service, deps.verify));
  const fhir = fhirRoutes({
    service: deps.service,
    verify: deps.verify,
    baseUrl: deps.fhirBaseUrl,
    paging: deps.paging,
    logger: deps.logger,
    guards: [restricted],
  });
  // Mounted through a plain Hono app, so that its paths stay out of the REST document.
  app.route("/fhir/R4", new Hono<AppEnv>().route("/", fhir));
}
