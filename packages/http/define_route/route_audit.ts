/** How a route's calls are audited: its action, or why it is not (see `defineRoute`). */
export type RouteAudit = string | {
  /** The record's action (`patient.read`). */
  action: string;
  /** Record only this outcome (`analytics.read`: denials). */
  only?: "SUCCESS" | "DENIED" | "FAILED";
  /**
   * The patient the request names (a path parameter, a query parameter or a field of the JSON
   * body, taken when it is a UUID: a denied or failed call names it too).
   */
  patient?: PatientNamed;
};

/**
 * Where a route names its patient. `evenRestricted`: the call is allowed on a restricted record
 * for any caller of its roles (the restriction and break-glass calls themselves); every other
 * route naming a patient is refused on a record restricted to others.
 */
export type PatientNamed =
  & ({ param: string } | { query: string } | { body: string })
  & { evenRestricted?: true };

/** What a route declares about its audit: an action, or an exemption with its reason. */
export type AuditDeclaration = RouteAudit | { exempt: string };

const DECLARED = Symbol.for("pms.routeAudit");
// Hono keeps a sub-app's handler here when it wraps it (a sub-app with its own error handler).
const COMPOSED_HANDLER = "__COMPOSED_HANDLER";

/** Attaches `declaration` to a route's first handler (`defineRoute`, `unaudited`). */
export function declareAudit<F extends object>(handler: F, declaration: AuditDeclaration): F {
  Object.defineProperty(handler, DECLARED, { value: declaration });
  return handler;
}

/**
 * The audit a route's handler declares (following Hono's wrapping of a mounted sub-app's
 * handlers), or undefined for a handler that declares none: the audit trail reads it from the
 * route that answers, and `routeAudits` from every route of an app.
 */
export function routeAuditOf(handler: unknown): AuditDeclaration | undefined {
  for (let h = handler, depth = 0; h && depth < 8; depth++) {
    if (typeof h !== "function" && typeof h !== "object") return undefined;
    const declared = (h as { [DECLARED]?: AuditDeclaration })[DECLARED];
    if (declared !== undefined) return declared;
    h = (h as Record<string, unknown>)[COMPOSED_HANDLER];
  }
  return undefined;
}
