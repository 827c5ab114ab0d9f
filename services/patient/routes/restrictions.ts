import type { OpenAPIHono } from "@hono/zod-openapi";
import { auditCommitted, auditNote, callContext } from "@pms/audit";
import {
  type AppEnv,
  defineRoute,
  idempotency,
  type IdempotencyStore,
  resourceApp,
} from "@pms/http";
import * as doc from "@pms/http/openapi";
import { PatientIdParam } from "../domain/patient_schema.ts";
import {
  BreakGlassGrant,
  BreakGlassRequest,
  Restriction,
  SetRestriction,
} from "../domain/restriction_schema.ts";
import type { RestrictionService } from "../domain/restriction_service.ts";

/** The restriction and break-glass rows of the role matrix. */
const ROLES = {
  restriction: ["ADMIN"],
  breakGlass: ["ADMIN", "CLINICIAN"],
} as const;

// The restriction calls are the ADMIN's whether or not the ADMIN is listed, and break-glass is
// asked precisely of a record the caller may not see: these routes are `evenRestricted`.
const patient = { param: "id", evenRestricted: true } as const;

/**
 * `/patients/{id}/restriction` (ADMIN): the users a record is restricted to; and
 * `/patients/{id}/break-glass` (ADMIN, CLINICIAN): a recorded, expiring emergency access
 * (`Idempotency-Key` honoured, answers kept in `keys`).
 */
export function restrictionRoutes(
  restrictions: RestrictionService,
  keys: IdempotencyStore,
): OpenAPIHono<AppEnv> {
  const app = resourceApp();

  app.openapi(
    defineRoute({
      method: "put",
      path: "/{id}/restriction",
      audit: { action: "patient.restriction.set", patient },
      summary:
        "Restrict a record to the listed users (ADMIN included: an unlisted ADMIN is refused)",
      description: "From the answer on, every other user is refused the patient's records in " +
        'every service (`403 {"message":"Record is restricted","breakGlass":true}`) and sees ' +
        '`{"id","restricted":true}` in lists.',
      roles: ROLES.restriction,
      request: { params: PatientIdParam, body: doc.jsonBody(SetRestriction) },
      responses: {
        200: doc.answer("The restriction as set", Restriction),
        400: doc.invalidFields("allowedUserIds or reason invalid"),
      },
      errors: { 404: "Patient not found" },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      const restriction = await restrictions.set(id, c.req.valid("json"), callContext(c));
      auditCommitted(c);
      return c.json(restriction, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/{id}/restriction",
      audit: { action: "patient.restriction.read", patient },
      summary: "A record's restriction",
      roles: ROLES.restriction,
      request: { params: PatientIdParam },
      responses: { 200: doc.answer("The restriction", Restriction) },
      errors: { 400: "Malformed id", 404: "Patient not found, or Patient is not restricted" },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      const restriction = await restrictions.get(id);
      auditNote(c, { patientIds: [id] });
      return c.json(restriction, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "delete",
      path: "/{id}/restriction",
      audit: { action: "patient.restriction.clear", patient },
      summary: "Clear a record's restriction",
      roles: ROLES.restriction,
      request: { params: PatientIdParam },
      responses: { 204: { description: "Cleared" } },
      errors: { 400: "Malformed id", 404: "Patient not found, or Patient is not restricted" },
    }),
    async (c) => {
      await restrictions.clear(c.req.valid("param").id, callContext(c));
      auditCommitted(c);
      return c.body(null, 204);
    },
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/{id}/break-glass",
      audit: { action: "patient.break-glass", patient },
      summary: "Break the glass: open a restricted record to oneself for BREAK_GLASS_MINUTES " +
        "(Idempotency-Key honoured)",
      description: "Recorded in the audit trail with its reason and justification, alerted to " +
        "SECURITY_ALERT_EMAIL (without patient data) and listed in the audit service's review " +
        "queue; every call made under the grant carries `details.breakGlass` = the grant id.",
      roles: ROLES.breakGlass,
      idempotency: idempotency({ store: keys }),
      request: { params: PatientIdParam, body: doc.jsonBody(BreakGlassRequest) },
      responses: {
        201: doc.answer("The grant", BreakGlassGrant),
        400: doc.invalidFields("reason or justification invalid"),
      },
      errors: { 404: "Patient not found" },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      const grant = await restrictions.breakGlass(id, c.req.valid("json"), callContext(c));
      auditCommitted(c);
      return c.json(grant, 201);
    },
  );

  return app;
}
