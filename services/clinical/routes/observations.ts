import { OpenAPIHono, z } from "@hono/zod-openapi";
import { disclosedList } from "@pms/audit";
import { type AppEnv, defineRoute, type Paging, periodOf, resourceApp } from "@pms/http";
import * as doc from "@pms/http/openapi";
import { Observation, periodFilters } from "../domain/clinical_schema.ts";
import type { ClinicalService } from "../domain/clinical_service.ts";
import { CLINICAL_ROLES } from "./_util.ts";

/** `/observations`: a patient's vital signs, newest first. */
export function observationRoutes(
  service: ClinicalService,
  paging: Paging,
): OpenAPIHono<AppEnv> {
  const app = resourceApp();
  const list = {
    path: "/observations",
    defaultSize: paging.defaultSize,
    requirePatient: service.requirePatient,
  };

  app.openapi(
    defineRoute({
      method: "get",
      path: "/",
      audit: "observation.search",
      summary: "Observations, newest effectiveAt first (paged; X-Total-Count and Link)",
      roles: CLINICAL_ROLES,
      request: {
        query: doc.listQuery({
          patientId: doc.patientIdFilter,
          code: z.string().max(64, "code must be a LOINC code").optional(),
          ...periodFilters,
        }, paging),
      },
      responses: { ...doc.pagedList(doc.orRestricted(Observation), "A page of observations") },
      errors: doc.patientFilterErrors,
    }),
    async (c) => {
      const query = c.req.valid("query");
      const filter = { patientId: query.patientId, code: query.code, ...periodOf(query) };
      return await disclosedList(
        c,
        list,
        query,
        (p) => service.listObservations({ ...filter, ...p }),
      );
    },
  );

  return app;
}
