import { OpenAPIHono, z } from "@hono/zod-openapi";
import { auditCommitted, callContext } from "@pms/audit";
import { type AppEnv, defineRoute, etagOf, resourceApp } from "@pms/http";
import * as doc from "@pms/http/openapi";
import { Consent, ConsentParams, RecordConsent } from "../domain/consent_schema.ts";
import type { ConsentService } from "../domain/consent_service.ts";
import { PatientIdParam } from "../domain/patient_schema.ts";
import { answerRead } from "./_util.ts";

/** The consent rows of the role matrix. */
const CONSENT_ROLES = {
  read: ["ADMIN", "CLINICIAN", "FRONT_DESK", "BILLING"],
  write: ["ADMIN", "CLINICIAN", "FRONT_DESK"],
} as const;

/** `/patients/{id}/consents`: the patient's consents per scope, and a new version of one. */
export function consentRoutes(consents: ConsentService): OpenAPIHono<AppEnv> {
  const app = resourceApp();

  app.openapi(
    defineRoute({
      method: "get",
      path: "/{id}/consents",
      audit: { action: "patient.consent.read", patient: { param: "id" } },
      summary: "A patient's consents: EMAIL, DATA_SHARING, RESEARCH (UNKNOWN if never recorded)",
      roles: CONSENT_ROLES.read,
      request: { params: PatientIdParam },
      responses: { 200: doc.answer("One consent per scope", z.array(Consent)) },
      errors: { 400: "Malformed id", 404: "Patient not found" },
    }),
    (c) => answerRead(c, consents.list),
  );

  app.openapi(
    defineRoute({
      method: "put",
      path: "/{id}/consents/{scope}",
      audit: { action: "patient.consent.update", patient: { param: "id" } },
      summary: "Record a consent (a new version of its scope)",
      description: "EMAIL DENIED: later mails about the patient are recorded SKIPPED with reason " +
        "CONSENT; DATA_SHARING DENIED: the patient is left out of exports and webhooks.",
      roles: CONSENT_ROLES.write,
      request: { params: ConsentParams, body: doc.jsonBody(RecordConsent) },
      responses: {
        200: doc.answer("The consent as recorded", Consent, doc.etagHeader),
        400: doc.invalidFields('Unknown scope or status (a malformed id: {"message"})'),
      },
      errors: { 404: "Patient not found" },
    }),
    async (c) => {
      const { id, scope } = c.req.valid("param");
      const consent = await consents.record(id, scope, c.req.valid("json").status, callContext(c));
      auditCommitted(c);
      // A consent is a versioned record (a version per scope): its answer carries the version.
      c.header("ETag", etagOf(consent.version));
      return c.json(consent, 200);
    },
  );

  return app;
}
