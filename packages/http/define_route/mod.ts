/**
 * One definition per route: method, path, roles, audit action, request schemas and answers. The
 * role check, the audit trail's action and the OpenAPI document all come from it.
 *
 * @module
 */
import type { RouteConfig } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { Role } from "@pms/jwt";
import type { AppEnv } from "../app_env.ts";
import { idempotencyKeyHeaders } from "../openapi/mod.ts";
import { optionalJsonBody } from "../optional_json_body/mod.ts";
import { requireJson } from "../require_json/mod.ts";
import { requireRole } from "../require_role/mod.ts";
import { REST_ANSWERS, type RouteAnswers } from "./route_answers.ts";
import {
  type AuditDeclaration,
  declareAudit,
  declareRoles,
  type RouteAudit,
} from "./route_audit.ts";

export { FHIR_ANSWERS, REST_ANSWERS, type RouteAnswers } from "./route_answers.ts";
export {
  type AuditDeclaration,
  declareAudit,
  type PatientNamed,
  type PatientPlace,
  patientPlaces,
  routeAdmits,
  type RouteAudit,
  routeAuditOf,
} from "./route_audit.ts";
export { routeAudits, type RoutedApp } from "./route_audits.ts";
export { unaudited } from "./unaudited.ts";

/** A route's answers by status, as OpenAPI declares them. */
export type RouteResponses = RouteConfig["responses"];

/** What a route is audited as: an action, or `false` with the reason it is not. */
export type RouteAuditField =
  | { audit: RouteAudit; unaudited?: never }
  | { audit: false; unaudited: string };

/** A route as {@linkcode defineRoute} takes it. */
export type RouteDefinition =
  & {
    method: RouteConfig["method"];
    /** OpenAPI style (`/{id}`), relative to where the routes are mounted. */
    path: string;
    summary: string;
    description?: string;
    /**
     * The roles that may call it (a bearer token required: `401`, then `403` for another role);
     * `"any"`: a token of any role (`401` only); omitted for a public route.
     */
    roles?: readonly Role[] | "any";
    request?: RouteConfig["request"];
    /** The route's own answers (its results, and errors described in full). */
    responses: RouteResponses;
    /** Error answers by status → description, in the style's error body. */
    errors?: { [status: number]: string };
    /**
     * Run before the role check, so that a denied call's audit record holds what they note (the
     * target a refused call asked for).
     */
    notes?: MiddlewareHandler<AppEnv>[];
    /**
     * Run after the role check (and the JSON check of a JSON body) and before validation: a
     * media-type check of its own, idempotency, content negotiation.
     */
    middleware?: MiddlewareHandler<AppEnv>[];
    /**
     * The route's `Idempotency-Key` handling (`idempotency({ store })`), run last before
     * validation: the request declares the header (unless it declares its headers itself) and
     * the route answers `409` (the key's first request still running) and `422` (the key reused).
     */
    idempotency?: MiddlewareHandler<AppEnv>;
    /** How errors and the shared answers are described; REST `{"message"}` by default. */
    answers?: RouteAnswers;
  }
  & RouteAuditField;

/** The route config `app.openapi()` takes, made by {@linkcode defineRoute}. */
export type DefinedRoute<D extends RouteDefinition> =
  & Omit<
    D,
    | "roles"
    | "audit"
    | "unaudited"
    | "errors"
    | "answers"
    | "responses"
    | "notes"
    | "middleware"
    | "idempotency"
  >
  & {
    // Answers are declared for the document; a handler may answer with any Response (pages and
    // FHIR bodies are serialised text), so no handler needs a cast.
    responses: { [status: string]: RouteResponses[string] };
    middleware: MiddlewareHandler<AppEnv>[];
    security?: { bearerAuth: string[] }[];
    getRoutingPath(): string;
  };

const isJsonOnly = (body: unknown): boolean => {
  const content = (body as { content?: Record<string, unknown> } | undefined)?.content;
  return content !== undefined && Object.keys(content).join() === "application/json";
};

const isOptional = (body: unknown): boolean =>
  (body as { required?: boolean } | undefined)?.required === false;

/**
 * Makes the `@hono/zod-openapi` route config for `app.openapi(defineRoute({...}), handler)`:
 * - `roles`: the bearer security requirement, the `403` check as the route's first middleware
 *   (after the token check and the audit `notes`, before the body's media type, validation and
 *   the handler: 401 → 403 → 415 → 400 → 404 → 412 → 409), and the `401`, `403` and `503`
 *   answers (`"any"`: any role, no `403`);
 * - `audit`: the action the audit trail records the route's calls with (denials included), read
 *   from the route itself, so a route cannot be added without one; `audit: false` takes the
 *   reason in `unaudited`;
 * - a JSON-only body: the `415` check after the role, and the `413` and `415` answers; an
 *   optional one (`required: false`) also taken as absent when it is empty;
 * - `idempotency`: the `Idempotency-Key` header and its `409` and `422` answers;
 * - `errors`: each status's answer in the error body (`{"message"}`, or the FHIR
 *   OperationOutcome with `answers: FHIR_ANSWERS`).
 */
export function defineRoute<const D extends RouteDefinition>(definition: D): DefinedRoute<D> {
  const {
    roles,
    audit,
    unaudited: reason,
    errors = {},
    answers = REST_ANSWERS,
    responses,
    notes = [],
    middleware = [],
    idempotency,
    ...route
  } = definition;
  const declaration: AuditDeclaration = audit === false ? { exempt: reason ?? "" } : audit;
  if (audit === false && !reason) {
    throw new Error(`${route.method.toUpperCase()} ${route.path}: audit: false needs a reason`);
  }
  const guard: MiddlewareHandler<AppEnv> = roles && roles !== "any"
    ? declareRoles(requireRole(...roles), roles)
    : async function anyCaller(_c, next) {
      await next();
    };
  const { 403: _forbidden, ...tokenOnly } = answers.guarded;
  const body = route.request?.body;
  const own: { [status: string]: RouteResponses[string] } = {};
  for (const [status, description] of Object.entries(errors)) {
    own[status] = answers.error(description);
  }
  const keyed = idempotency && {
    409: answers.error("The key's first request is still running"),
    422: answers.error("Idempotency-Key reused with a different request"),
  };
  return {
    ...route,
    ...(idempotency && {
      request: { ...route.request, headers: route.request?.headers ?? idempotencyKeyHeaders },
    }),
    ...(roles && { security: [{ bearerAuth: [] }] }),
    middleware: [
      ...notes,
      declareAudit(guard, declaration),
      ...(isJsonOnly(body) ? [requireJson()] : []),
      ...(isJsonOnly(body) && isOptional(body) ? [optionalJsonBody()] : []),
      ...middleware,
      ...(idempotency ? [idempotency] : []),
    ],
    responses: {
      ...(roles && (roles === "any" ? tokenOnly : answers.guarded)),
      ...(body && answers.body),
      ...keyed,
      ...own,
      ...responses,
    },
    getRoutingPath: () => route.path.replaceAll(/\/{(.+?)}/g, "/:$1"),
  } as DefinedRoute<D>;
}
