import { jsonError } from "./json_error.ts";
import { isSafeText } from "./safe_text.ts";

/**
 * The work one request's query may ask for, the same for every REST filter and FHIR search
 * parameter: at most 20 comma-separated values in one parameter and at most 10 repetitions of
 * one parameter.
 */
export const QUERY_BOUNDS = { values: 20, repetitions: 10 } as const;

/** A query as a validator reads it: each parameter's value, or its values when repeated. */
export type QueryValues = Record<string, string | string[] | undefined>;

/**
 * Throws `400 {"<parameter>": "<message>", "message": "<message>"}` (a field error that also
 * reads as a message; a FHIR route turns it into an OperationOutcome `invalid`) for the first
 * parameter beyond {@linkcode QUERY_BOUNDS}, or whose value holds a control character (NUL,
 * ESC, …), a bidirectional override or a lone surrogate, which no filter matches and PostgreSQL
 * refuses (but FHIR's `_format`, which the services read nothing from: they answer JSON whatever
 * it says). A comma escaped as `\,` (FHIR) separates nothing. Called by {@linkcode validationHook}
 * for every declared query, after the route's role check.
 */
export function enforceQueryBounds(query: QueryValues): void {
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    const param = isSafeText(name) && name.length <= 100 ? name : "parameter";
    let message: string | undefined;
    if (values.length > QUERY_BOUNDS.repetitions) {
      message = `${param} may be given at most ${QUERY_BOUNDS.repetitions} times`;
    } else if (values.some((v) => v.split(/(?<!\\),/).length > QUERY_BOUNDS.values)) {
      message = `${param} may hold at most ${QUERY_BOUNDS.values} comma-separated values`;
    } else if (name !== "_format" && !values.every(isSafeText)) {
      message = `${param} contains invalid characters`;
    }
    if (message) throw jsonError(400, { [param]: message, message });
  }
}
