import { Hono } from "hono";
import { type AppEnv, jsonError, jwtAuth, unaudited } from "@pms/http";
import { isUuid } from "@pms/ids";
import type { VerifyToken } from "@pms/service";
import type { PatientService } from "../domain/patient_service.ts";

/**
 * `GET /internal/patients/{id}`: whether a patient exists and is not deleted
 * (`{"id","status":"ACTIVE"|"DELETED"}`, else `404`), asked by the services that take a
 * `patientId` (scheduling, clinical) before they store it, with the caller's own token. It reads
 * the patient table, so a patient is known here the moment its create answered. Not routed by the
 * gateway (no catalog route leads to `/internal`), not in the API document, and not audited: it
 * discloses no patient data, and the calling service audits the call it serves.
 */
export function internalRoutes(service: PatientService, verify: VerifyToken): Hono<AppEnv> {
  const exempt = unaudited("existence check between services: no patient data leaves");
  return new Hono<AppEnv>()
    .use("*", jwtAuth({ verify }))
    .get("/patients/:id", exempt, async (c) => {
      c.set("accessLogLevel", "debug");
      const id = c.req.param("id");
      if (!isUuid(id)) throw jsonError(404, { message: "Patient not found" });
      const patient = await service.get(id, { includeDeleted: true });
      if (!patient) throw jsonError(404, { message: "Patient not found" });
      return c.json({ id, status: patient.deleted ? "DELETED" : "ACTIVE" }, 200);
    });
}
