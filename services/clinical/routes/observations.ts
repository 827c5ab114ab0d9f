import { OpenAPIHono, z } from "@hono/zod-openapi";
import { type AppEnv, periodOf, recordRoutes, resourceApp } from "@pms/http";
import type { ClinicalRoutesDeps } from "../app.ts";
import { Observation, periodFilters } from "../domain/clinical_schema.ts";
import { CLINICAL_ROLES, clinicalList } from "./_util.ts";

/** `/observations`: a patient's vital signs, newest first. */
export function observationRoutes(deps: ClinicalRoutesDeps): OpenAPIHono<AppEnv> {
  const { service, paging } = deps;
  const app = resourceApp();
  const answerList = clinicalList("/observations", deps);
  const observations = recordRoutes({
    noun: "observation",
    schema: Observation,
    roles: CLINICAL_ROLES,
  });

  app.openapi(
    observations.search("Observations, newest effectiveAt first (paged; X-Total-Count and Link)", {
      code: z.string().max(64, "code must be a LOINC code").optional(),
      ...periodFilters,
    }, paging),
    async (c) => {
      const query = c.req.valid("query");
      const filter = { patientId: query.patientId, code: query.code, ...periodOf(query) };
      return await answerList(c, query, (p) => service.listObservations({ ...filter, ...p }));
    },
  );

  return app;
}
