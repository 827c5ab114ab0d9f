import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { DomainErrorKind } from "./mod.ts";

const STATUS: Record<DomainErrorKind, ContentfulStatusCode> = {
  invalid: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  precondition: 412,
  unavailable: 503,
};

/** The HTTP status a {@linkcode DomainErrorKind} is answered with. */
export function statusOfKind(kind: DomainErrorKind): ContentfulStatusCode {
  return STATUS[kind];
}
