import { type RouteConfig, z } from "@hono/zod-openapi";
import { jsonContent, Message } from "../openapi/mod.ts";

type Answer = RouteConfig["responses"][string];

/** How a family of routes describes its errors and the answers every route shares. */
export interface RouteAnswers {
  /** One error answer with `description`. */
  error(description: string): Answer;
  /**
   * What a token-guarded route may answer besides its own: 401, 403, 503 (FHIR: 406 too), and
   * the gateway's 414 for a request line over 8 KiB.
   */
  guarded: { [status: string]: Answer };
  /** What a route with a body may answer before reading it: 413, 415. */
  body: { [status: string]: Answer };
}

const rest = (description: string): Answer => ({ description, content: jsonContent(Message) });

/** The REST answers: errors as `{"message"}`. */
export const REST_ANSWERS: RouteAnswers = {
  error: rest,
  guarded: {
    401: rest("Missing, malformed or invalid bearer token"),
    403: rest("The role may not do this"),
    414: rest("The request line is longer than the gateway reads (8 KiB)"),
    503: rest("The database or the token keys are unavailable; see Retry-After"),
  },
  body: {
    413: rest("The body is larger than the limit"),
    415: rest("The Content-Type is not application/json"),
  },
};

const OutcomeSchema = z.object({
  resourceType: z.literal("OperationOutcome"),
  issue: z.array(z.object({
    severity: z.literal("error"),
    code: z.string(),
    diagnostics: z.string(),
    expression: z.array(z.string()).optional(),
  })),
}).openapi("FhirOperationOutcome");

const outcome = (description: string): Answer => ({
  description,
  content: { "application/fhir+json": { schema: OutcomeSchema } },
});

/** The FHIR answers: every error an OperationOutcome (`application/fhir+json`). */
export const FHIR_ANSWERS: RouteAnswers = {
  error: outcome,
  guarded: {
    401: outcome("Missing, malformed or invalid bearer token (code login)"),
    403: outcome("The role may not do this (code forbidden)"),
    414: outcome("The request line is longer than the gateway reads, 8 KiB (code too-long)"),
    503: outcome("The database or the token keys are unavailable; see Retry-After"),
  },
  body: {
    413: outcome("The body is larger than the limit"),
    415: outcome("The Content-Type is not application/fhir+json or application/json"),
  },
};
