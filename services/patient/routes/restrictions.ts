import type { OpenAPIHono, z } from "@hono/zod-openapi";
import { auditCommitted, type CallContext, callContext } from "@pms/audit";
import {
  answerVersion,
  type AppEnv,
  defineRoute,
  idempotency,
  type IdempotencyStore,
  resourceApp,
  type RouteResponses,
} from "@pms/http";
import * as doc from "@pms/http/openapi";
import type { Context } from "hono";
import { PatientIdParam } from "../domain/patient_schema.ts";
import {
  BreakGlassGrant,
  BreakGlassRequest,
  Restriction,
  SetRestriction,
} from "../domain/restriction_schema.ts";
import type { RestrictionService } from "../domain/restriction_service.ts";
import { answerRead } from "./_util.ts";

/** The restriction and break-glass rows of the role matrix. */
const ROLES = {
  restriction: ["ADMIN"],
  breakGlass: ["ADMIN", "CLINICIAN"],
} as const;

// The restriction calls are the ADMIN's whether or not the ADMIN is listed, and break-glass is
// asked precisely of a record the caller may not see: these routes are `evenRestricted`.
const patient = { param: "id", evenRestricted: true } as const;

/** A call on a record's restriction (`/{id}/restriction`, ADMIN's), audited as `action`. */
function onRestriction<const M extends "get" | "put" | "delete">(method: M, action: string) {
  return {
    method,
    path: "/{id}/restriction",
    audit: { action, patient },
    roles: ROLES.restriction,
  } as const;
}

/** What reading or clearing a restriction answers besides its own result. */
const NOT_RESTRICTED = {
  400: "Malformed id",
  404: "Patient not found, or Patient is not restricted",
};

/**
 * The request and answers of a change with a JSON body of `body` on the record `{id}` names: its
 * result (`answer`, by status), `400` with the fields at fault (`invalid` says which) and `404`.
 */
function bodyChange<B extends z.ZodType>(body: B, invalid: string, answer: RouteResponses) {
  return {
    request: { params: PatientIdParam, body: doc.jsonBody(body) },
    responses: { ...answer, 400: doc.invalidFields(invalid) },
    errors: { 404: "Patient not found" },
  };
}

/**
 * The handler of a change the JSON body asks of the record `{id}` names: `change` commits it
 * with the request's audit record, and its result is answered with `status` and its `ETag`.
 */
async function answerCommitted<B, R extends { version: number }>(
  c: Context<AppEnv, string, { out: { param: { id: string }; json: B } }>,
  change: (id: string, body: B, context: CallContext) => Promise<R>,
  status: 200 | 201,
): Promise<Response> {
  const result = await change(c.req.valid("param").id, c.req.valid("json"), callContext(c));
  auditCommitted(c);
  return answerVersion(c, result, status);
}

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
      ...onRestriction("put", "patient.restriction.set"),
      summary:
        "Restrict a record to the listed users (ADMIN included: an unlisted ADMIN is refused)",
      description: "From the answer on, every other user is refused the patient's records in " +
        'every service (`403 {"message":"Record is restricted","breakGlass":true}`) and sees ' +
        '`{"id","restricted":true}` in lists.',
      ...bodyChange(SetRestriction, "allowedUserIds or reason invalid", {
        200: doc.answer("The restriction as set", Restriction, doc.etagHeader),
      }),
    }),
    (c) => answerCommitted(c, restrictions.set, 200),
  );

  app.openapi(
    defineRoute({
      ...onRestriction("get", "patient.restriction.read"),
      summary: "A record's restriction",
      request: { params: PatientIdParam },
      responses: { 200: doc.answer("The restriction", Restriction, doc.etagHeader) },
      errors: NOT_RESTRICTED,
    }),
    (c) => answerRead(c, restrictions.get),
  );

  app.openapi(
    defineRoute({
      ...onRestriction("delete", "patient.restriction.clear"),
      summary: "Clear a record's restriction",
      request: { params: PatientIdParam },
      responses: { 204: { description: "Cleared" } },
      errors: NOT_RESTRICTED,
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
      ...bodyChange(BreakGlassRequest, "reason or justification invalid", {
        201: doc.answer("The grant", BreakGlassGrant),
      }),
    }),
    (c) => answerCommitted(c, restrictions.breakGlass, 201),
  );

  return app;
}
