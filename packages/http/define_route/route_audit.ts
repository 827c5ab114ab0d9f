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
 * route naming a patient is refused on a record restricted to others. `listsOthers`: its answer
 * holds other patients' records too (a patient's likely duplicates), each masked when restricted;
 * otherwise the answer is the named patient's own and is not read again.
 */
export type PatientNamed =
  & PatientPlace
  & {
    evenRestricted?: true;
    listsOthers?: true;
    /**
     * The other patients the call concerns, where the request names them (a merge's source in
     * its body, the other of a pair in the path): named in its audit record too, and refused as
     * the first one is when restricted to the caller.
     */
    also?: PatientPlace[];
  };

/** Where a request names a patient: a path parameter, a query parameter or a JSON body field. */
export type PatientPlace = { param: string } | { query: string } | { body: string };

/** Every place a route names a patient: the first one, then its `also`. */
export function patientPlaces(named: PatientNamed | undefined): PatientPlace[] {
  if (!named) return [];
  const first: PatientPlace = "param" in named
    ? { param: named.param }
    : "query" in named
    ? { query: named.query }
    : { body: named.body };
  return [first, ...(named.also ?? [])];
}

/** What a route declares about its audit: an action, or an exemption with its reason. */
export type AuditDeclaration = RouteAudit | { exempt: string };

const DECLARED = Symbol.for("pms.routeAudit");
const ROLES = Symbol.for("pms.routeRoles");
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
  return declaredOn<AuditDeclaration>(handler, DECLARED);
}

/**
 * Attaches the roles a route admits to its role check (`defineRoute`), so that what runs before
 * the route (the restricted-records check) can leave a caller of another role to the route's
 * own `403 {"message":"Forbidden"}`.
 */
export function declareRoles<F extends object>(handler: F, roles: readonly string[]): F {
  Object.defineProperty(handler, ROLES, { value: new Set(roles) });
  return handler;
}

/**
 * Whether a route's handler (the one declaring its audit, see {@linkcode routeAuditOf}) admits
 * `role`: false only when the route declares its roles and `role` is not among them.
 */
export function routeAdmits(handler: unknown, role: string | undefined): boolean {
  const roles = declaredOn<ReadonlySet<string>>(handler, ROLES);
  return roles === undefined || (role !== undefined && roles.has(role));
}

function declaredOn<T>(handler: unknown, key: symbol): T | undefined {
  for (let h = handler, depth = 0; h && depth < 8; depth++) {
    if (typeof h !== "function" && typeof h !== "object") return undefined;
    const declared = (h as { [key]?: T })[key];
    if (declared !== undefined) return declared;
    h = (h as Record<string, unknown>)[COMPOSED_HANDLER];
  }
  return undefined;
}
