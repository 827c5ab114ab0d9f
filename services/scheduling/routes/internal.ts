import { Hono } from "hono";
import { type AppEnv, jsonError, jwtAuth, unaudited } from "@pms/http";
import { isUuid } from "@pms/ids";
import type { VerifyToken } from "@pms/service";
import type { SchedulingService } from "../domain/scheduling_service.ts";

/**
 * `GET /internal/appointments/{id}`: `{"id","patientId","status"}` or `404`, asked by the
 * clinical service (with the caller's token) before it opens an encounter for an appointment. Not
 * routed by the gateway, not in the API document, and not audited: the calling service audits
 * the call it serves.
 */
export function internalRoutes(service: SchedulingService, verify: VerifyToken): Hono<AppEnv> {
  const exempt = unaudited("checked between services: the caller audits its own call");
  return new Hono<AppEnv>()
    .use("*", jwtAuth({ verify }))
    .get("/appointments/:id", exempt, async (c) => {
      c.set("accessLogLevel", "debug");
      const id = c.req.param("id");
      if (!isUuid(id)) throw jsonError(404, { message: "Appointment not found" });
      const { patientId, status } = await service.appointment(id);
      return c.json({ id, patientId, status }, 200);
    });
}
