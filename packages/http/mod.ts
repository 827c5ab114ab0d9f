/**
 * What every HTTP service shares: typed context variables, middleware (request context, bearer
 * authentication, body limit), the one error handler, and serving with clean shutdown.
 *
 * @module
 */
export type { AppEnv, AppVariables } from "./app_env.ts";
export { requestContext, type RequestContextOptions } from "./request_context/mod.ts";
export { ENROLLMENT_REQUIRED, jwtAuth, type JwtAuthOptions } from "./jwt_auth/mod.ts";
export { bodyLimit, type BodyLimitOptions } from "./body_limit/mod.ts";
export { errorHandler, type ErrorHandlerOptions } from "./error_handler.ts";
export { notFoundHandler } from "./not_found_handler.ts";
export { jsonError } from "./json_error.ts";
export { etagOf, expectedVersions, parseEtagList } from "./etag.ts";
export { serve, type ServeOptions, type Server } from "./serve.ts";
export { shutdownOnSignal } from "./shutdown_on_signal.ts";
export { requireJson } from "./require_json/mod.ts";
export { noStore } from "./no_store/mod.ts";
export { requireRole } from "./require_role/mod.ts";
export {
  type AuditDeclaration,
  declareAudit,
  type DefinedRoute,
  defineRoute,
  FHIR_ANSWERS,
  type PatientNamed,
  type PatientPlace,
  patientPlaces,
  REST_ANSWERS,
  routeAdmits,
  type RouteAnswers,
  type RouteAudit,
  type RouteAuditField,
  routeAuditOf,
  routeAudits,
  type RoutedApp,
  type RouteDefinition,
  type RouteResponses,
  unaudited,
} from "./define_route/mod.ts";
export { DomainError, type DomainErrorKind, type DomainErrorOptions } from "./domain_error/mod.ts";
export { DuplicateEmailError } from "./domain_error/duplicate_email_error.ts";
export { statusOfKind } from "./domain_error/status_of_kind.ts";
export { invalidField } from "./domain_error/invalid_field.ts";
export { requireVersion } from "./domain_error/require_version.ts";
export { notFound } from "./domain_error/not_found.ts";
export { isSafeMultilineText, isSafeText } from "./safe_text.ts";
export { ignoringReadOnly } from "./ignoring_read_only.ts";
export {
  createIdempotencyStore,
  createIdempotencyTable,
  idempotency,
  type IdempotencyOptions,
  type IdempotencyStore,
} from "./idempotency/mod.ts";
export { linkHeader, type LinkHeaderInput } from "./link_header.ts";
export { fieldErrors, validationHook } from "./validation_hook.ts";
export { resourceApp } from "./resource_app.ts";
export { recordRoutes } from "./record_routes/mod.ts";
export type { Paging } from "./paging.ts";
export { enforceQueryBounds, QUERY_BOUNDS, type QueryValues } from "./query_bounds.ts";
export { clientAddress } from "./client_address.ts";
export { clientPath } from "./client_path.ts";
export { answerVersion } from "./answer_version.ts";
export { notModified } from "./not_modified.ts";
export { bearerToken } from "./bearer_token.ts";
export { guardResources } from "./guard_resources.ts";
export { periodOf } from "./period_of.ts";
export { parseInstant } from "./parse_instant.ts";
export { parseDay } from "./parse_day.ts";
export { clampInstant } from "./clamp_instant.ts";
export { type JsonPage, pagedJson } from "./paged_json.ts";
export { jsonText } from "./json_text.ts";
export {
  asOperationOutcome,
  FHIR_JSON,
  fhirError,
  type FhirErrorOptions,
  isFhirResponse,
  issueCodeOf,
  type OperationOutcome,
  operationOutcome,
  type OutcomeIssue,
} from "./operation_outcome/mod.ts";
export { askService, type AskServiceOptions } from "./ask_service.ts";
