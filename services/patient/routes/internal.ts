import { Hono } from "hono";
import { type AppEnv, bearerToken, jsonError, jwtAuth, unaudited } from "@pms/http";
import { isUuid } from "@pms/ids";
import type { PatientAccess } from "@pms/patient_access";
import type { VerifyToken } from "@pms/service";
import type { PatientService } from "../domain/patient_service.ts";

// The most ids one access question may name.
const MAX_IDS = 1000;

const callerOf = (c: { get(key: "user"): { uid: string } }, token: string) => ({
  userId: c.get("user").uid,
  token,
});

/**
 * The questions other services ask on a caller's behalf, with the caller's own token. Not routed
 * by the gateway (no catalog route leads to `/internal`), not in the API document, and not
 * audited: they disclose no patient data, and the calling service audits the call it serves.
 * - `GET /internal/patients/{id}`: whether a patient exists and is not deleted
 *   (`{"id","status":"ACTIVE"|"DELETED","restricted"}`, else `404`), asked by the services that
 *   take a `patientId` (scheduling, clinical) before they store it. `restricted`: the record is
 *   restricted to others than the caller (`grantId` when a live break-glass grant opens it).
 * - `POST /internal/patients/access` `{"patientIds":[…]}`: `{"hidden":[…],"grants":{id: grantId}}`
 *   for the caller, asked by every service before it answers with patient records.
 * Both read this service's tables, so a change is known here the moment its call answered.
 */
export function internalRoutes(
  service: PatientService,
  access: PatientAccess,
  verify: VerifyToken,
): Hono<AppEnv> {
  const exempt = unaudited("checks between services: no patient data leaves");
  return new Hono<AppEnv>()
    .use("*", jwtAuth({ verify }))
    .post("/patients/access", exempt, async (c) => {
      c.set("accessLogLevel", "debug");
      const body: unknown = await c.req.json().catch(() => undefined);
      const ids = (body as { patientIds?: unknown } | undefined)?.patientIds;
      if (!Array.isArray(ids) || ids.length > MAX_IDS || !ids.every((id) => isUuid(id))) {
        throw jsonError(400, { patientIds: `patientIds must be at most ${MAX_IDS} UUIDs` });
      }
      const token = bearerToken(c);
      const decision = await access.decide(
        ids.map((id: string) => id.toLowerCase()),
        callerOf(c, token),
      );
      return c.json({
        hidden: [...decision.hidden],
        grants: Object.fromEntries(decision.grants),
      }, 200);
    })
    .get("/patients/:id", exempt, async (c) => {
      c.set("accessLogLevel", "debug");
      const id = c.req.param("id");
      if (!isUuid(id)) throw jsonError(404, { message: "Patient not found" });
      const patient = await service.get(id, { includeDeleted: true });
      if (!patient) throw jsonError(404, { message: "Patient not found" });
      const token = bearerToken(c);
      const decision = await access.decide([id.toLowerCase()], callerOf(c, token));
      const grantId = decision.grants.get(id.toLowerCase());
      return c.json({
        id,
        status: patient.deleted ? "DELETED" : "ACTIVE",
        restricted: decision.hidden.has(id.toLowerCase()),
        ...(grantId && { grantId }),
      }, 200);
    });
}
