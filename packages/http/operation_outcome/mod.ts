/**
 * HL7 FHIR R4 errors: every error of a FHIR interaction is an `OperationOutcome`
 * (`application/fhir+json`). Used by the patient service's FHIR routes and by the gateway for its
 * own errors on `/fhir/R4/**`.
 *
 * @module
 */
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The media type of every FHIR response body. */
export const FHIR_JSON = "application/fhir+json; charset=utf-8";

/** One problem (`OperationOutcome.issue`); `code` from the FHIR IssueType value set. */
export interface OutcomeIssue {
  severity: "fatal" | "error" | "warning" | "information";
  code: string;
  /** The message a REST client would get for the same problem. */
  diagnostics?: string;
  /** FHIRPath of the element at fault (`Patient.birthDate`). */
  expression?: string[];
}

/** An `OperationOutcome` resource. */
export interface OperationOutcome {
  resourceType: "OperationOutcome";
  issue: OutcomeIssue[];
}

/**
 * The IssueType of an error status (the contract's table): 400 `invalid` (`required` for a
 * "… is required" message), 401 `login`, 403 `forbidden`, 404 `not-found`, 405/406/415
 * `not-supported`, 408 `timeout`, 409 `duplicate`, 410 `deleted`, 412 `conflict`, 413, 414 and
 * 431 `too-long`, 422 `business-rule`, 429 `throttled`, 5xx `exception`.
 */
export function issueCodeOf(status: number, message = ""): string {
  if (status === 400) return /\bis required$/.test(message) ? "required" : "invalid";
  const codes: Record<number, string> = {
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    408: "timeout",
    409: "duplicate",
    410: "deleted",
    412: "conflict",
    413: "too-long",
    414: "too-long",
    415: "not-supported",
    422: "business-rule",
    429: "throttled",
    431: "too-long",
  };
  return codes[status] ?? (status >= 500 ? "exception" : "processing");
}

/** Options of {@linkcode fhirError}. */
export interface FhirErrorOptions {
  /** The IssueType; defaults to {@linkcode issueCodeOf} the status. */
  code?: string;
  /** FHIRPath of the element at fault. */
  expression?: string[];
  /** More issues after the first. */
  more?: OutcomeIssue[];
  /** Response headers (`ETag`, `Allow`, `Retry-After`, …). */
  headers?: Record<string, string>;
}

/** An OperationOutcome of `issues`. */
export function operationOutcome(issues: OutcomeIssue[]): OperationOutcome {
  return { resourceType: "OperationOutcome", issue: issues };
}

/**
 * An {@linkcode HTTPException} whose response is an OperationOutcome (`application/fhir+json`):
 * throw it from a FHIR route.
 */
export function fhirError(
  status: ContentfulStatusCode,
  diagnostics: string,
  options: FhirErrorOptions = {},
): HTTPException {
  const first: OutcomeIssue = {
    severity: "error",
    code: options.code ?? issueCodeOf(status, diagnostics),
    diagnostics,
    ...(options.expression && { expression: options.expression }),
  };
  const body = operationOutcome([first, ...(options.more ?? [])]);
  const res = new Response(JSON.stringify(body), {
    status,
    headers: { ...options.headers, "Content-Type": FHIR_JSON },
  });
  return new HTTPException(status, { res, message: diagnostics });
}

/** True when a response already carries FHIR JSON. */
export function isFhirResponse(res: Response): boolean {
  return /^application\/fhir\+json\b/i.test(res.headers.get("Content-Type") ?? "");
}

/**
 * The same error as an OperationOutcome: a JSON error response (`{"message"}`, or field errors
 * `{"field": "message"}`, as every service answers them) becomes `application/fhir+json` with
 * the same status and headers, each message an issue (a field's issue names `expressions[field]`
 * when given). A FHIR response, or one that is no error, is returned as it is.
 */
export async function asOperationOutcome(
  res: Response,
  expressions: Record<string, string> = {},
): Promise<Response> {
  if (res.status < 400 || isFhirResponse(res)) return res;
  let body: unknown;
  try {
    body = await res.clone().json();
  } catch {
    body = undefined;
  }
  const issue = (message: string, field?: string): OutcomeIssue => ({
    severity: "error",
    code: issueCodeOf(res.status, message),
    diagnostics: message,
    ...(field && expressions[field] && { expression: [expressions[field]!] }),
  });
  let issues: OutcomeIssue[];
  if (
    body && typeof body === "object" && typeof (body as { message?: unknown }).message === "string"
  ) {
    issues = [issue((body as { message: string }).message)];
  } else if (body && typeof body === "object" && !Array.isArray(body)) {
    issues = Object.entries(body as Record<string, unknown>).map(([field, message]) =>
      issue(String(message), field)
    );
  } else {
    issues = [];
  }
  if (issues.length === 0) issues = [issue(res.statusText || `Request failed (${res.status})`)];
  const headers = new Headers(res.headers);
  headers.delete("Content-Length");
  headers.set("Content-Type", FHIR_JSON);
  await res.body?.cancel().catch(() => {});
  return new Response(JSON.stringify(operationOutcome(issues)), {
    status: res.status,
    statusText: res.statusText,
    headers,
  });
}
