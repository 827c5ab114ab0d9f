import type { OpenAPIHono } from "@hono/zod-openapi";
import { auditNote } from "@pms/audit";
import {
  type AppEnv,
  asOperationOutcome,
  errorHandler,
  isFhirResponse,
  jwtAuth,
  noStore,
  resourceApp,
} from "@pms/http";
import type { Logger } from "@pms/log";
import type { VerifyToken } from "@pms/service";
import { HTTPException } from "hono/http-exception";
import type { MiddlewareHandler } from "hono";

/** What {@linkcode fhirReadApp} needs. */
export interface FhirReadAppOptions {
  verify: VerifyToken;
  /** For errors before a request has its own logger. */
  logger: Logger;
  /** Run after the token check, before the routes (the restricted-records check). */
  guards?: MiddlewareHandler<AppEnv>[];
}

/**
 * The app a service's FHIR read-and-search routes go on (mounted at `/fhir/R4`): a bearer token on
 * every call, nothing stored by caches, each call's audit record marked `details.api: "fhir"`
 * (denials included), and every error, thrown by a guard, a validator or a handler, answered as an
 * OperationOutcome.
 */
export function fhirReadApp(options: FhirReadAppOptions): OpenAPIHono<AppEnv> {
  const app = resourceApp();
  const restErrors = errorHandler({ logger: options.logger });
  app.onError(async (err, c) => {
    if (err instanceof HTTPException && err.res && isFhirResponse(err.res)) return err.res;
    return await asOperationOutcome(restErrors(err, c));
  });
  app.use(
    "*",
    async function auditedAsFhir(c, next) {
      auditNote(c, { details: { api: "fhir" } });
      await next();
    },
    noStore(),
    jwtAuth({ verify: options.verify }),
    ...(options.guards ?? []),
  );
  return app;
}
