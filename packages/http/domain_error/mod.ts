/**
 * What went wrong, as the domain says it; the one error handler turns each kind into its status:
 * `invalid` 400, `forbidden` 403, `not_found` 404, `conflict` 409, `gone` 410, `precondition`
 * 412, `unavailable` 503.
 */
export type DomainErrorKind =
  | "invalid"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "gone"
  | "precondition"
  | "unavailable";

/** Options for a {@linkcode DomainError}. */
export interface DomainErrorOptions {
  /** For `invalid`: the request field at fault (the answer is `{"<field>": message}`). */
  field?: string;
  /** For `invalid`: each field at fault with its message (the answer is this map). */
  fields?: Record<string, string>;
  /** Headers the answer carries (`ETag` of the current version, `Retry-After`). */
  headers?: Record<string, string>;
}

/**
 * A refusal a use case raises, carrying its kind: the routes do not catch it, the error handler
 * answers it (`{"message"}`, or `{"<field>": message}` for invalid fields; an OperationOutcome
 * under FHIR).
 */
export class DomainError extends Error {
  /** The request field at fault, for `invalid`. */
  readonly field?: string;
  /** The fields at fault with their messages, for `invalid`. */
  readonly fields?: Record<string, string>;
  /** Headers the answer carries. */
  readonly headers: Record<string, string>;

  /** Creates the error. */
  constructor(readonly kind: DomainErrorKind, message: string, options: DomainErrorOptions = {}) {
    super(message);
    this.name = "DomainError";
    this.field = options.field;
    this.fields = options.fields;
    this.headers = options.headers ?? {};
  }
}
