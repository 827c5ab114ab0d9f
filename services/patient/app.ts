import { OpenAPIHono } from "@hono/zod-openapi";
import type { TokenClaims } from "@pms/jwt";
import type { Logger } from "@pms/log";
import {
  type AppEnv,
  bodyLimit,
  finishServiceApp,
  jwtAuth,
  requestContext,
  requireJson,
} from "@pms/http";
import type { PatientService } from "./domain/patient_service.ts";
import { type PagingOptions, patientRoutes } from "./routes/patients.ts";

/** What the patient app needs. */
export interface PatientDeps {
  service: PatientService;
  logger: Logger;
  /** Verifies bearer tokens: this service checks them itself, not only the gateway. */
  verify: (token: string) => Promise<TokenClaims>;
  paging: PagingOptions;
  maxBodyBytes: number;
  /** True when the database answers. */
  ping: () => Promise<boolean>;
}

/** The patient service: `/patients` (token required), `/health`, `/v3/api-docs`. */
export function createApp(deps: PatientDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  app.use(requestContext({ logger: deps.logger }));
  app.get(
    "/health",
    async (c) => (await deps.ping()) ? c.json({ status: "UP" }) : c.json({ status: "DOWN" }, 503),
  );
  const auth = jwtAuth({ verify: deps.verify });
  app.use("/patients", auth, bodyLimit({ maxBytes: deps.maxBodyBytes }), requireJson());
  app.use("/patients/*", auth, bodyLimit({ maxBytes: deps.maxBodyBytes }), requireJson());
  app.route("/patients", patientRoutes(deps.service, deps.paging));
  return finishServiceApp(app, { title: "Patient Service API", logger: deps.logger });
}
